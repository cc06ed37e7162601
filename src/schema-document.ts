// YAML/JSON documents checked against a JSON Schema, with errors that point at the line at fault.
// Rule packs, configuration and baselines all load through here so they fail the same way.
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Document, Node } from "yaml";
import { nodeCrypto } from "./deferred-imports.js";
import { KeyfenceError, displayPath } from "./errors.js";
import { packageFile } from "./package-root.js";
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

/** Ajv's options, for the build's prebuilt validators (scripts/build-rule-cache.mjs) and for compiling here. */
export const AJV_OPTIONS = { allErrors: false, strict: true, useDefaults: false } as const;
let ajvInstance: Ajv | undefined;
const ajv = (): Ajv => (ajvInstance ??= new (require("ajv") as typeof import("ajv")).Ajv(AJV_OPTIONS));
const validators = new WeakMap<object, ValidateFunction>();

/** Where the build writes the validators of the shipped schemas, compiled to code (ajv's standalone mode). */
export const PREBUILT_VALIDATORS = packageFile("dist/schema-validators.cjs");

/** The digest the build records per schema: a prebuilt validator is used only for the schema it was built from. */
export const schemaDigest = (schema: object): string => nodeCrypto().createHash("sha256").update(JSON.stringify(schema)).digest("hex");

interface Prebuilt {
  digests: Record<string, string>;
  [id: string]: unknown;
}
let prebuilt: Prebuilt | null | undefined;

/**
 * The build's validator of `schema`, when there is one made from exactly this schema. Compiling the
 * configuration's schema cost ~50 ms of every run that has a configuration file (a hook's too).
 */
function prebuiltFor(schema: object): ValidateFunction | undefined {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== "string") return undefined;
  if (prebuilt === undefined) {
    try {
      prebuilt = require(PREBUILT_VALIDATORS) as Prebuilt;
    } catch {
      prebuilt = null;
    }
  }
  if (!prebuilt || prebuilt.digests[id] !== schemaDigest(schema)) return undefined;
  return prebuilt[id] as ValidateFunction | undefined;
}

function validatorFor(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = prebuiltFor(schema) ?? ajv().compile(schema);
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

/** `text` as JSON when it is JSON with no key repeated in an object (YAML refuses those; JSON.parse would keep the last). */
function plainJson(text: string): { value: unknown } | undefined {
  const t = text.trimStart();
  if (t[0] !== "{" && t[0] !== "[") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // The text is valid JSON here, so a scan of its strings and brackets is enough to see every key.
  const stack: { keys?: Set<string>; key: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.key) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return undefined;
        top.keys.add(key);
        top.key = false;
      }
      i = j;
    } else if (c === "{") stack.push({ keys: new Set(), key: true });
    else if (c === "[") stack.push({ key: false });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) top.key = true;
    }
  }
  return { value };
}

/** Line lookups into `text` parsed as YAML (for a document that took the JSON path). */
function yamlLines(text: string): LoadedDocument<unknown>["lineAt"] {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  return (path) => {
    const node = nodeAt(doc, path);
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
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
  // Valid JSON without a repeated key and valid by the schema needs no YAML parser (loading it cost
  // ~20 ms of a run with a JSON configuration); anything else takes the YAML path, whose errors have lines.
  const json = plainJson(text);
  if (json !== undefined && validatorFor(schema)(json.value)) {
    let lines: LoadedDocument<T>["lineAt"] | undefined;
    return { file, value: json.value as T, lineAt: (at) => (lines ??= yamlLines(text))(at) };
  }
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
