// Fuzzing the parsers keyfence owns. Bounded here; `npm run fuzz` runs the same properties longer
// (FUZZ_RUNS=…). The contract: any input either loads or fails with a KeyfenceError whose message
// is one line naming the file — never another exception, never a hang.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadRulePack } from "../src/rules/load.js";
import { loadConfigFile } from "../src/config/config.js";
import { KeyfenceError } from "../src/errors.js";
import { Engine } from "../src/engine/engine.js";
import { BUILTIN, allPositives, positive } from "./helpers/secrets.js";
import type { Finding } from "../src/types.js";
import { tempTree } from "./helpers/cli.js";
import { chunked } from "./helpers/chunks.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const PACK = `provider: Acme
family: payments
rules:
  - id: acme-token
    kind: api-token
    title: Acme API token
    severity: high
    environment: live
    keywords: [acme_, ACME]
    regex: '(?:^|\\W)(?P<secret>acme_[a-z0-9]{32})\\b'
    window: { before: 1, after: 40 }
    entropy: 3.0
    validate: [luhn]
    allowlist: { regexes: ['^acme_0+$'], stopwords: [dummy], paths: ['test/**'] }
    remediation: { rotateDays: 30, revokeUrl: 'https://acme.test/keys', advice: rotate it }
    tags: [CWE-798]
    examples:
      match: ['ACME=acme_{{lowernum:32}}', 'x acme_{{lowernum:32}} y']
      noMatch: ['acme_short', 'ACME=\${ACME}']
`;

const CONFIG = `failOn: high
reportInfo: false
disableRules: [aws-access-key-id]
severity: { generic-secret-assignment: low }
allowlist:
  paths: ["fixtures/**"]
  stopwords: [fixture]
exclude: ["vendor/**"]
maxFileSize: 1000000
`;

/** Random edits of a valid document: deletions, insertions of structural characters, truncation. */
const mutated = (base: string) =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
        fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(":", "-", "[", "]", "{", "}", "'", '"', "\n", "  ", "\t", "#", "&a", "*a", "!!int", "(?=", "\\1", "{99999}"), fc.string({ maxLength: 6 })) }),
        fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let s = base;
      for (const e of edits) {
        const at = e.at % (s.length + 1);
        if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.len);
        else if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at);
        else s = s.slice(0, at);
      }
      return s;
    });

function expectCleanFailure(fn: () => unknown, file: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeyfenceError);
    const line = (err as KeyfenceError).format();
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.startsWith(file)).toBe(true);
  }
}

describe("fuzz: rule packs", () => {
  it("mutated packs load or fail with one located line", () => {
    fc.assert(
      fc.property(mutated(PACK), (text) => expectCleanFailure(() => loadRulePack("rules/fuzz/acme.yaml", { text }), "rules/fuzz/acme.yaml")),
      { numRuns: RUNS },
    );
  });

  it("arbitrary regexes compile under RE2 or are refused with a reason", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z()[\]{}?*+|\\^$.:=!<>0-9,PLdws-]{1,30}$/), (re) => {
        const text = PACK.replace("'(?:^|\\W)(?P<secret>acme_[a-z0-9]{32})\\b'", JSON.stringify(`(?P<secret>${re})`));
        expectCleanFailure(() => loadRulePack("rules/fuzz/acme.yaml", { text }), "rules/fuzz/acme.yaml");
      }),
      { numRuns: RUNS },
    );
  });
});

describe("fuzz: configuration", () => {
  const dir = tempTree({});
  it("mutated config files load or fail with one located line", () => {
    let i = 0;
    fc.assert(
      fc.property(mutated(CONFIG), fc.boolean(), (text, asJson) => {
        const file = join(dir, `c${i++}.${asJson ? "json" : "yaml"}`);
        writeFileSync(file, asJson ? text.replace(/^/, "{").replace(/$/, "}") : text);
        expectCleanFailure(() => loadConfigFile(file), file);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("fuzz: engine input", () => {
  const engine = new Engine(BUILTIN);
  const secrets = allPositives("#fuzz").map((p) => Buffer.from(p.text));
  it("random bytes (invalid UTF-8, NULs, CR) with secrets: no exception, streaming equals whole", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: secrets.length - 1 })), { maxLength: 8 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 8 }),
        async (parts, cuts) => {
          const data = Buffer.concat(parts.map((p) => (typeof p === "number" ? secrets[p]! : Buffer.from(p))));
          const whole = engine.scanBuffer(data, { path: "f" }).map((f) => `${f.ruleId}@${f.offset}:${f.line}:${f.column}`);
          const chunks = chunked(data, cuts);
          const streamed: string[] = [];
          for await (const f of engine.scanStream(chunks, { path: "f" })) streamed.push(`${f.ruleId}@${f.offset}:${f.line}:${f.column}`);
          expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("cases the fuzzer found", () => {
  it("an unresolved YAML alias is a located error, not a ReferenceError", () => {
    const dir = tempTree({ "c.yaml": "*a" });
    expect(() => loadConfigFile(join(dir, "c.yaml"))).toThrow(KeyfenceError);
  });
  it("an unterminated \\Q quote in a rule regex is a located error, not a SyntaxError", () => {
    const text = PACK.replace("\\b'", "\\Qb'");
    expect(text).not.toBe(PACK);
    let err: unknown;
    try {
      loadRulePack("rules/fuzz/acme.yaml", { text });
    } catch (e) {
      err = e;
    }
    expect((err as KeyfenceError).format()).toMatch(/acme\.yaml:4: rule acme-token: invalid regex/);
  });
  it("a gated keyword hit cut off by a chunk end waits for its bytes, so windows merge as in a whole scan", async () => {
    // "secret" in the first 38 bytes fails its gate in a whole scan; deciding it early (with the gate
    // unanswerable) opened a window that swallowed the later API_KEY window and lost its finding.
    const engine = new Engine(BUILTIN);
    const parts = [positive("braintree-client-secret-production", 1, "#fuzz"), positive("stripe-secret-key-test", 0, "#fuzz"), positive("column-api-key-live", 0, "#fuzz"), "0"];
    const data = Buffer.from(parts.join(""));
    const show = (fs: Finding[]) => fs.map((f) => `${f.ruleId}@${f.offset}`);
    const whole = show(engine.scanBuffer(data, { path: "f" }));
    const streamed: Finding[] = [];
    for await (const f of engine.scanStream(chunked(data, [38]), { path: "f" })) streamed.push(f);
    expect(whole.some((f) => f.startsWith("generic-secret-assignment@"))).toBe(true);
    expect(show(streamed)).toEqual(whole);
  });
});
