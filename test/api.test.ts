import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { createScanner, loadRulePack, REPORTERS, revealSecret, testRules, type Finding } from "../src/index.js";
import { tempTree } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";

describe("public API", () => {
  const scanner = createScanner();

  it("scanBuffer accepts strings and buffers and applies policy", () => {
    const text = `${positive("stripe-secret-key-live")}\n`;
    const [f] = scanner.scanBuffer(text, { path: "a.env" });
    expect(f).toMatchObject({ ruleId: "stripe-secret-key-live", path: "a.env", severity: "critical" });
    expect(scanner.policy.blocks(f!)).toBe(true);
    expect(scanner.scanBuffer(Buffer.from(text))[0]!.path).toBe("-");
  });

  it("scanStream takes a Node stream and yields findings", async () => {
    const text = `${positive("private-key-pem")}\n${positive("aws-secret-access-key")}\n`;
    const found: Finding[] = [];
    for await (const f of scanner.scanStream(Readable.from([Buffer.from(text.slice(0, 50)), Buffer.from(text.slice(50))]), { path: "s" })) found.push(f);
    expect(found.map((f) => f.ruleId)).toEqual(["private-key-pem", "aws-secret-access-key"]);
  });

  it("scanFiles walks folders", async () => {
    const dir = tempTree({ "x/y.env": `${positive("stripe-secret-key-live")}\n` });
    const found: Finding[] = [];
    for await (const f of scanner.scanFiles(["x"], { cwd: dir })) found.push(f);
    expect(found.map((f) => f.path)).toEqual(["x/y.env"]);
  });

  it("custom rules, configuration and reporters compose without global state", () => {
    const rules = loadRulePack("custom/acme.yaml", {
      text: "provider: Acme\nrules:\n  - id: acme-token\n    kind: api-token\n    title: Acme token\n    severity: low\n    keywords: [acme_]\n    regex: 'acme_(?P<secret>[a-z0-9]{32})'\n    examples: { match: ['acme_{{lowernum:32}}', 'k=acme_{{lowernum:32}}'], noMatch: ['acme_', 'acme_x'] }\n",
    });
    expect(testRules(rules).failures).toEqual([]);
    const custom = createScanner({ rules, config: { severity: { "acme-token": "critical" } }, failOn: "critical" });
    const [f] = custom.scanBuffer("k=acme_q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2");
    expect(f).toMatchObject({ ruleId: "acme-token", severity: "critical", rotateDays: 30 });
    expect(revealSecret(f!)).toBe("q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2");
    // The default scanner is unaffected.
    expect(scanner.scanBuffer("k=acme_q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2")).toEqual([]);
    const json = REPORTERS.json!(
      { tool: { name: "keyfence", version: "0", informationUri: "x" }, root: "/r", findings: [f!], rules, notices: [], failOn: "critical", blocking: new Set([f!.fingerprint]), incomplete: false, stats: { files: 1, bytes: 1, durationMs: 0 } },
      { showSecrets: false, color: false },
    );
    expect(json).not.toContain("q8w7e6r5t4y3u2i1o9p8a7s6d5f4g3h2");
  });
});
