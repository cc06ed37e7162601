// Documents load the same whichever path they take: JSON that is plain (no repeated key) and valid
// skips the YAML parser, and the shipped schemas' validators come prebuilt from the build; errors
// (with their lines) are those of the YAML path.
import { afterAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDocument, PREBUILT_VALIDATORS, schemaDigest } from "../src/schema-document.js";
import { CONFIG_SCHEMA, PACKAGE_JSON_SCHEMA } from "../src/config/config.js";
import { BASELINE_SCHEMA } from "../src/policy/baseline.js";
import { RULE_PACK_SCHEMA } from "../src/rules/load.js";

const tmp = mkdtempSync(join(tmpdir(), "keyfence-doc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
};

describe("schema documents", () => {
  it("the build's validators are those of the shipped schemas", () => {
    const prebuilt = createRequire(import.meta.url)(PREBUILT_VALIDATORS) as { digests: Record<string, string> };
    for (const s of [CONFIG_SCHEMA, PACKAGE_JSON_SCHEMA, BASELINE_SCHEMA, RULE_PACK_SCHEMA] as { $id: string }[]) {
      expect(prebuilt.digests[s.$id]).toBe(schemaDigest(s));
    }
  });

  it("plain JSON gives the value YAML gives, and its lines on demand", () => {
    const text = '{\n  "exclude": ["vendor/**", "a\\"b"],\n  "failOn": "high",\n  "allowlist": { "paths": ["x"] }\n}\n';
    const json = loadDocument<Record<string, unknown>>(file("a.json", text), CONFIG_SCHEMA);
    const yaml = loadDocument<Record<string, unknown>>(file("a.yaml", 'exclude: ["vendor/**", "a\\"b"]\nfailOn: high\nallowlist: { paths: [x] }\n'), CONFIG_SCHEMA);
    expect(json.value).toEqual(yaml.value);
    expect(json.lineAt(["failOn"])).toBe(3);
  });

  it("a key repeated at any depth is refused with its line, as YAML refuses it", () => {
    expect(() => loadDocument(file("dup.json", '{"failOn": "high",\n "failOn": "low"}'), CONFIG_SCHEMA)).toThrow(/malformed JSON: Map keys must be unique/);
    expect(() => loadDocument(file("dup2.json", '{"allowlist": {"paths": [],\n "paths": ["x"]}}'), CONFIG_SCHEMA)).toThrow(/Map keys must be unique/);
    // The same key in two different objects is not a repeat.
    expect(() => loadDocument(file("ok.json", '{"allowlist": {"paths": []}, "exclude": ["paths"]}'), CONFIG_SCHEMA)).not.toThrow();
  });

  it("an invalid document names the line at fault", () => {
    try {
      loadDocument(file("bad.json", '{\n  "exclude": [],\n  "nope": 1\n}'), CONFIG_SCHEMA);
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toMatch(/unknown key "nope"/);
      expect((err as { line?: number }).line).toBe(3);
    }
  });
});
