import { describe, expect, it } from "vitest";
import { assertPairReferences, loadRulePack, loadRulePacks } from "../src/rules/load.js";
import { KeyfenceError } from "../src/errors.js";
import { tempTree } from "./helpers/cli.js";
import { join } from "node:path";

const GOOD_RULE = `  - id: acme-token
    kind: api-token
    title: Acme API token
    severity: high
    keywords: [acme_]
    regex: 'acme_(?P<secret>[a-z0-9]{32})'
    examples:
      match: ['ACME=acme_{{lowernum:32}}', 'x acme_{{lowernum:32}} y']
      noMatch: ['acme_short', 'ACME=\${ACME}']
`;

function packError(text: string): KeyfenceError {
  try {
    loadRulePack("rules/custom/acme.yaml", { text });
  } catch (err) {
    if (err instanceof KeyfenceError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("rule-pack loading errors name the file, the line and the rule", () => {
  it("accepts a valid pack", () => {
    const rules = loadRulePack("rules/custom/acme.yaml", { text: `provider: Acme\nrules:\n${GOOD_RULE}` });
    expect(rules[0]).toMatchObject({ id: "acme-token", provider: "Acme", family: "custom", environment: "unknown" });
  });

  it("unknown key", () => {
    const e = packError(`provider: Acme\nrules:\n${GOOD_RULE}    regx: 'x'\n`);
    expect(e.format()).toBe(`rules/custom/acme.yaml:12: rule acme-token: unknown key "regx" in "rules.0"`);
  });

  it("missing required key", () => {
    const e = packError(`provider: Acme\nrules:\n${GOOD_RULE.replace(/    title: .*\n/, "")}`);
    expect(e.format()).toMatch(/^rules\/custom\/acme\.yaml:3: rule acme-token: missing required key "title"/);
  });

  it("wrong type and bad enum", () => {
    expect(packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("severity: high", "severity: urgent")}`).format()).toMatch(
      /acme\.yaml:6: rule acme-token: "rules\.0\.severity" must be one of: critical, high, medium, low, info/,
    );
    expect(packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("keywords: [acme_]", "keywords: acme_")}`).format()).toMatch(/acme\.yaml:7: .*must be array/);
  });

  it("lookaround and backreferences are refused with the reason", () => {
    const look = packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("acme_(?P<secret>", "acme_(?=x)(?P<secret>")}`);
    expect(look.format()).toMatch(/acme\.yaml:3: rule acme-token: invalid regex: lookaround .* not supported: RE2 runs in linear time/);
    const back = packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("{32})'", "{32})\\1'")}`);
    expect(back.format()).toMatch(/rule acme-token: invalid regex: backreferences .* not supported/);
  });

  it("a regex without a secret group", () => {
    const e = packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("acme_(?P<secret>[a-z0-9]{32})", "acme_[a-z0-9]{32}")}`);
    expect(e.format()).toMatch(/rule acme-token: regex has no capture group for the secret/);
  });

  it("huge repetition counts are refused", () => {
    const e = packError(`provider: Acme\nrules:\n${GOOD_RULE.replace("{32}", "{5000}")}`);
    expect(e.format()).toMatch(/invalid regex: .*repetition/);
  });

  it("a catastrophic-backtracking pattern is accepted safely: RE2 runs it in linear time", async () => {
    const { Engine } = await import("../src/engine/engine.js");
    const rules = loadRulePack("rules/custom/acme.yaml", {
      text: `provider: Acme\nrules:\n${GOOD_RULE.replace("acme_(?P<secret>[a-z0-9]{32})", "acme_(?P<secret>(a+)+)$").replace("    examples:", "    window: { before: 1, after: 65536 }\n    examples:").replace("{{lowernum:32}}", "aaaa").replace("{{lowernum:32}}", "aaaa")}`.replace(
        /match: \[.*\]\n/,
        "match: ['acme_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'x acme_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']\n",
      ),
    });
    // The classic ReDoS input: a long run of "a" that fails at the end. A backtracking engine never returns.
    const hostile = Buffer.from("acme_" + "a".repeat(60_000) + "!");
    expect(rules[0]!.window.after).toBe(65536); // the whole run is inside the rule's window
    expect(new Engine(rules).scanBuffer(hostile, { path: "x" })).toEqual([]);
  });

  it("malformed YAML names the line", () => {
    const e = packError(`provider: Acme\nrules:\n  - id: [unclosed\n`);
    expect(e.format()).toMatch(/^rules\/custom\/acme\.yaml:\d+: malformed YAML/);
  });

  it("duplicate keys in YAML", () => {
    const e = packError(`provider: Acme\nprovider: Other\nrules:\n${GOOD_RULE}`);
    expect(e.format()).toMatch(/acme\.yaml:2: malformed YAML/);
  });

  it("`follows` must name a known rule and come with an assignment (the shape of what follows)", () => {
    const follower = (extra: string) => `  - id: acme-secret
    kind: api-secret
    title: Acme API secret
    severity: high
    keywords: [acme]
${extra}    examples:
      match: ['ACME_SECRET={{lowernum:32}}', 'acme_secret: {{lowernum:32}}']
      noMatch: ['ACME_SECRET=\${ACME}', 'ACME_SECRET=short']
`;
    const load = (extra: string) => loadRulePack("rules/custom/acme.yaml", { text: `provider: Acme\nrules:\n${GOOD_RULE}${follower(extra)}` });
    const format = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return (err as KeyfenceError).format();
      }
      return "no error";
    };
    const good = load("    assignment: { names: [acme secret], value: '[a-z0-9]{32}' }\n    follows: [acme-token]\n");
    expect(good[1]!.follows).toEqual(["acme-token"]);
    expect(() => assertPairReferences(good)).not.toThrow();
    expect(format(() => assertPairReferences(load("    assignment: { names: [acme secret], value: '[a-z0-9]{32}' }\n    follows: [acme-nope]\n")))).toMatch(/acme\.yaml:\d+: rule acme-secret follows: names unknown rule acme-nope/);
    expect(format(() => assertPairReferences(load("    regex: 'ACME_SECRET=(?P<secret>[a-z0-9]{32})'\n    follows: [acme-token]\n")))).toMatch(/rule acme-secret follows: needs an assignment/);
  });

  it("duplicate rule ids across packs name both places", () => {
    const dir = tempTree({
      "a/one.yaml": `provider: Acme\nrules:\n${GOOD_RULE}`,
      "b/two.yaml": `provider: Acme\nrules:\n${GOOD_RULE}`,
    });
    try {
      loadRulePacks([dir]);
      throw new Error("expected an error");
    } catch (err) {
      expect((err as KeyfenceError).format()).toMatch(/two\.yaml:3: rule acme-token: duplicate rule id \(first defined at .*one\.yaml:3\)/);
    }
  });

  it("a missing pack path", () => {
    expect(() => loadRulePacks([join(tempTree({}), "nope.yaml")])).toThrow(/rule pack not found/);
  });
});
