// YAML/JSON documents checked against a JSON Schema, with errors that point at the line at fault.
// Rule packs, configuration and baselines all load through here so they fail the same way.
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Document, Node } from "yaml";
import { KeyfenceError, displayPath } from "./errors.js";
import { readRegularFile } from "./io/regular-file.js";

// Loaded on first use: a plain scan validates no document (built-in packs come from the build-time
// JSON cache), and loading these two costs about 60 ms of every start-up.
const require = createRequire(import.meta.url);
let yamlModule: typeof import("yaml") | undefined;
const yaml = (): typeof import("yaml") => (yamlModule ??= require("yaml") as typeof import("yaml"));
const isMap = (n: unknown) => yaml().isMap(n);
const isSeq = (n: unknown) => yaml().isSeq(n);
const isScalar = (n: unknown) => yaml().isScalar(n);

export interface LoadedDocument<T> {
  file: string;
  value: T;
  /** 1-based line of the node at a path inside the document, when it exists. */
  lineAt(path: readonly (string | number)[]): number | undefined;
}

let ajvInstance: Ajv | undefined;
const ajv = (): Ajv => (ajvInstance ??= new (require("ajv") as typeof import("ajv")).Ajv({ allErrors: false, strict: true, useDefaults: false }));
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = ajv().compile(schema);
    validators.set(schema, v);
  }
  return v;
}

function nodeAt(doc: Document, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.value;
    else if (isSeq(node)) node = node.items[Number(seg)];
    else return undefined;
  }
  return node as Node | undefined;
}

function keyNodeAt(doc: Document, path: readonly (string | number)[], key: string): Node | undefined {
  const parent = nodeAt(doc, path);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return pair?.key as Node | undefined;
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(err: ErrorObject, path: (string | number)[]): string {
  const at = path.length ? `"${path.join(".")}"` : "document";
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "additionalProperties":
      return `unknown key "${String(p.additionalProperty)}"${path.length ? ` in ${at}` : ""}`;
    case "required":
      return `missing required key "${String(p.missingProperty)}"${path.length ? ` in ${at}` : ""}`;
    case "enum":
      return `${at} must be one of: ${(p.allowedValues as unknown[]).join(", ")}`;
    case "type":
      return `${at} must be ${String(p.type)}`;
    default:
      return `${at} ${err.message ?? "is invalid"}`;
  }
}

/**
 * Parses YAML (JSON is YAML) from `file` and validates it; `subjectOf` names the entity an error
 * is about (a rule id, a config key) from the error's path.
 */
export function loadDocument<T>(
  file: string,
  schema: object,
  options: {
    text?: string;
    subjectOf?: (value: unknown, path: (string | number)[]) => string | undefined;
    /** What the file is, for errors ("configuration", "baseline"); default "file". */
    what?: string;
    /**
     * The document may hold secrets (a saved report written with --show-secrets): errors name only
     * the line and the schema's own key names, never a key, alias, tag or value taken from the text.
     */
    untrusted?: boolean;
  } = {},
): LoadedDocument<T> {
  const path = file;
  file = displayPath(file);
  const text = options.text ?? readRegularFile(path, options.what ?? "file").toString("utf8");
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const parseError = doc.errors[0];
  if (parseError) {
    const line = parseError.linePos?.[0]?.line ?? lineCounter.linePos(parseError.pos[0]).line;
    const reason = options.untrusted ? `${parseError.code.toLowerCase().replace(/_/g, " ")}` : parseError.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new KeyfenceError(`malformed ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${reason}`, { file, line });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved aliases and alias bombs surface here, after parsing succeeded.
    const reason = options.untrusted ? "unresolved alias or too many aliases" : (err instanceof Error ? err.message : String(err)).split("\n")[0];
    throw new KeyfenceError(`malformed ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${reason}`, { file });
  }
  const lineAt = (path: readonly (string | number)[]): number | undefined => {
    const node = nodeAt(doc, path);
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  const validate = validatorFor(schema);
  if (!validate(value)) {
    const err = validate.errors![0]!;
    const path = pathOf(err.instancePath);
    const extra = err.keyword === "additionalProperties" ? String((err.params as { additionalProperty: string }).additionalProperty) : undefined;
    const node = extra ? keyNodeAt(doc, path, extra) : nodeAt(doc, path);
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : lineAt(path);
    const message = options.untrusted && err.keyword === "additionalProperties" ? `unknown key${path.length ? ` in "${path.join(".")}"` : ""}` : describe(err, path);
    throw new KeyfenceError(message, { file, line, subject: options.subjectOf?.(value, path) });
  }
  return { file, value: value as T, lineAt };
}
