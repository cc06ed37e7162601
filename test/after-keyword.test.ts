// `afterKeyword` is a speed-up only: it drops keyword hits that cannot start a match, so a rule with
// it must find exactly what the same rule finds without it — and it must really drop hits.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine/engine.js";
import { assertsTextEnd } from "../src/engine/compile.js";
import { loadBuiltinRules, loadRulePack } from "../src/rules/load.js";
import { KeyfenceError } from "../src/errors.js";
import { allPositives } from "./helpers/secrets.js";
import type { Finding, Rule } from "../src/types.js";

const builtin = loadBuiltinRules();
const gated = builtin.filter((r) => r.afterKeyword !== undefined);
const ungated = builtin.map((r): Rule => {
  const { afterKeyword: _, ...rest } = r;
  return rest;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.ruleId}@${f.offset}-${f.endOffset}`);

// Text where the gated keywords are everywhere and mostly not followed by an assignment.
const CODE = [
  "const tokens = lexer.tokenize(source); for (const token of tokens) token.type === 'x';",
  "see https://example.com/docs and http://localhost:8080/path for details",
  "blob: QUFBQUFBRUFBQUFB" + "EAAA".repeat(30) + "QUFB",
  "  secretName: projects/bank/secrets/ledger-db",
  "password_hint: 'at least twelve characters'",
].join("\n");

/** A one-rule pack whose rule has the gate `after`. */
const acmePack = (after: string) =>
  loadRulePack("rules/custom/acme.yaml", {
    text: `provider: Acme
rules:
  - id: acme-token
    kind: api-token
    title: Acme API token
    severity: high
    keywords: [acme_]
    afterKeyword: '${after}'
    regex: 'acme_(?P<secret>[a-z0-9]{32})'
    examples:
      match: ['ACME=acme_{{lowernum:32}}', 'x acme_{{lowernum:32}} y']
      noMatch: ['acme_short', 'ACME=\${ACME}']
`,
  });

describe("afterKeyword", () => {
  it("is set on the rules whose keywords are common in code", () => {
    // New packs may gate their own rules too; these must stay gated (the generic assignment rules
    // have no gate: the assignment grammar is theirs).
    expect(gated.map((r) => r.id)).toEqual(expect.arrayContaining(["basic-auth-url", "square-access-token"]));
  });

  it("never changes what the built-in rules find", () => {
    const withGate = new Engine(builtin);
    const without = new Engine(ungated);
    const inputs = [
      ...filesUnder("fixtures/sample").map((p) => readFileSync(p)),
      ...allPositives("#gate").map((p) => Buffer.from(`${CODE}\n${p.text}\n${CODE}\n`)),
      Buffer.from(CODE),
    ];
    let found = 0;
    for (const [i, data] of inputs.entries()) {
      const a = brief(withGate.scanBuffer(data, { path: `input-${i}` }));
      expect(a).toEqual(brief(without.scanBuffer(data, { path: `input-${i}` })));
      found += a.length;
    }
    expect(found).toBeGreaterThan(inputs.length / 2);
  });

  it("drops a hit whose following text fails the gate, and keeps one that passes", () => {
    const text = Buffer.from("k = acme_0123456789abcdefghijklmnopqrstuv\n");
    expect(new Engine(acmePack("[a-z0-9]{32}")).scanBuffer(text, { path: "x" })).toHaveLength(1);
    // A gate that contradicts the regex shows that hits really are dropped before the regex runs.
    expect(new Engine(acmePack("[A-Z]")).scanBuffer(text, { path: "x" })).toHaveLength(0);
  });

  it("knows which gates can see the end of the text (those run on the hit's window alone)", () => {
    const yes = ["a$", "\\\\$", "[a-z]\\b", "x\\B", "x\\z", "[abc", "\\[a$]"];
    const no = ["[$]", "\\$", "[^]$]x", "[\\]$]", "[A-Za-z0-9_-]{0,16}[:=]"];
    expect(yes.map(assertsTextEnd)).toEqual(yes.map(() => true));
    expect(no.map(assertsTextEnd)).toEqual(no.map(() => false));
  });

  it("refuses an invalid gate with the file, line and rule", () => {
    let err: unknown;
    try {
      acmePack("[a-z");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeyfenceError);
    expect((err as KeyfenceError).format()).toMatch(/^rules\/custom\/acme\.yaml:3: rule acme-token afterKeyword: invalid regex: /);
    // Valid only once wrapped behind the keywords: refused as written.
    expect(() => acmePack("a)|(b")).toThrow(/invalid regex: unexpected \)/);
  });
});
