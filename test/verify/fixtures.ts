// Findings for verification tests, made by the real scanner from the rules' own example templates
// (fake by construction), plus companion parts attached the way multi-part findings carry them.
import { randomBytes } from "node:crypto";
import { createScanner } from "../../src/scanner.js";
import { attachPartSecret, attachSecret, revealSecret } from "../../src/finding/secret-store.js";
import { positive } from "../helpers/secrets.js";
import type { Finding, FindingPart } from "../../src/types.js";

const scanner = createScanner({ config: { reportInfo: true } });

export function findingOf(ruleId: string, salt = randomBytes(4).toString("hex"), index = 0): Finding {
  const found = scanner.scanBuffer(positive(ruleId, index, salt)).filter((f) => f.ruleId === ruleId);
  if (found.length === 0) throw new Error(`example of ${ruleId} not found`);
  return found[0]!;
}

/** The finding with companion parts (role → value), each value kept in the secret store. */
export function withParts(f: Finding, parts: Record<string, string>, changes: Partial<Finding> = {}): Finding {
  const list = Object.entries(parts).map(([role, value]) => {
    const p: FindingPart = { ruleId: `part-${role}`, role, redacted: "••••", line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0, endOffset: 1, secretDigest: "0".repeat(64) };
    attachPartSecret(p, value);
    return p;
  });
  const out = { ...f, ...changes, parts: list } as Finding;
  attachSecret(out, revealSecret(f)!);
  return out;
}

export const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
export const alnum = (n: number) => randomBytes(n * 2).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, n);

export function secretOf(f: Finding): string {
  return revealSecret(f)!;
}
