// Every rule names the controls a leak of its credential bears on, from one known table, and the
// README explains every tag in that table.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPLIANCE_TAGS, complianceTag, isControlTag } from "../src/compliance/tags.js";
import { environmentCheck } from "../src/policy/environment.js";
import { createScanner } from "../src/scanner.js";
import { BUILTIN, positive } from "./helpers/secrets.js";
import { ROOT } from "./helpers/cli.js";

describe("compliance tags", () => {
  it("every built-in rule carries at least one tag, and every tag is in the table", () => {
    const unknown = BUILTIN.flatMap((r) => r.tags.filter((t) => !complianceTag(t)).map((t) => `${r.id}: ${t}`));
    expect(unknown).toEqual([]);
    expect(BUILTIN.filter((r) => r.tags.length === 0).map((r) => r.id)).toEqual([]);
  });

  it("every rule that reports a credential carries a control reference; public-by-design keys carry none", () => {
    const reported = BUILTIN.filter((r) => r.severity !== "info");
    expect(reported.filter((r) => !r.tags.some(isControlTag)).map((r) => r.id)).toEqual([]);
    // Part-only rules (`alone: drop`: a client id, a database host) are never reported by themselves;
    // a pair they join is reported with its anchor's tags.
    for (const r of BUILTIN.filter((x) => x.severity === "info" && x.alone !== "drop")) expect(r.tags, r.id).toEqual(["public-by-design"]);
  });

  it("applies the controls that fit the credential", () => {
    const tagsOf = (id: string) => BUILTIN.find((r) => r.id === id)!.tags;
    // Production keys of application accounts: hard-coding and rotation controls, logical access.
    expect(tagsOf("stripe-secret-key-live")).toEqual(expect.arrayContaining(["PCI-DSS-4.0-8.6.2", "PCI-DSS-4.0-8.6.3", "SOC2-CC6.1", "CWE-798"]));
    // Sandbox keys are outside the cardholder data environment: no PCI control, still access and CWE.
    expect(tagsOf("stripe-secret-key-test")).toEqual(["SOC2-CC6.1", "CWE-798"]);
    // Cryptographic keys: key protection and replacement on compromise.
    expect(tagsOf("private-key-pem")).toEqual(expect.arrayContaining(["PCI-DSS-4.0-3.6.1", "PCI-DSS-4.0-3.7.5", "CWE-321"]));
    // Stored card data: PAN unreadable at rest.
    expect(tagsOf("pci-card-pan")).toEqual(expect.arrayContaining(["PCI-DSS-4.0-3.5.1"]));
    // Passwords: authentication factors unreadable in storage.
    expect(tagsOf("database-uri-password")).toContain("PCI-DSS-4.0-8.3.2");
    // Webhook signing secrets are keys.
    expect(tagsOf("stripe-webhook-secret")).toContain("CWE-321");
  });

  it("environment-separation findings carry known tags too", () => {
    const scanner = createScanner();
    const [f] = scanner.scanBuffer(positive("stripe-secret-key-live"), { path: "test/fixtures/pay.env" });
    const derived = environmentCheck()(f!);
    expect(derived).toHaveLength(1);
    expect(derived[0]!.tags.filter((t) => !complianceTag(t))).toEqual([]);
  });

  it("the README's Compliance tags section explains every tag in the table", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.split(/^## Compliance tags$/m)[1]?.split(/^## /m)[0] ?? "";
    expect(section).not.toBe("");
    for (const t of COMPLIANCE_TAGS) expect(section, t.tag).toContain(`| \`${t.tag}\` |`);
  });
});
