import type { CompiledRule } from "./compile.js";
import { fingerprintOf, secretDigest } from "../finding/fingerprint.js";
import { redact } from "../finding/redact.js";
import { remediationPlan, renderRemediation } from "../finding/remediation.js";
import { attachSecret } from "../finding/secret-store.js";
import { ROTATION_DAYS, type Finding, type ScanTarget } from "../types.js";

export interface Span {
  offset: number;
  endOffset: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** `key` is the fingerprint key: the secret's digest is keyed from the moment the finding exists. */
export function buildFinding(c: CompiledRule, secret: string, target: ScanTarget, span: Span, entropy: number | undefined, key: Uint8Array): Finding {
  const rule = c.rule;
  const digest = secretDigest(key, secret);
  const prefix = c.prefixes.find((p) => secret.startsWith(p)) ?? "";
  const rotateDays = rule.remediation.rotateDays ?? ROTATION_DAYS[rule.severity];
  const plan = remediationPlan(rotateDays, rule.remediation.revokeUrl, rule.remediation.advice);
  const finding: Finding = {
    ruleId: rule.id,
    provider: rule.provider,
    kind: rule.kind,
    title: rule.title,
    severity: rule.severity,
    environment: rule.environment,
    path: target.path,
    ...span,
    ...(target.commit !== undefined && { commit: target.commit }),
    ...(target.author !== undefined && { author: target.author }),
    ...(target.date !== undefined && { date: target.date }),
    redacted: redact(secret, prefix),
    secretDigest: digest,
    fingerprint: fingerprintOf(rule.id, target.path, digest),
    ...(entropy !== undefined && { entropy: Math.round(entropy * 100) / 100 }),
    message: `${rule.title} (${rule.provider}, ${rule.environment === "unknown" ? "environment unknown" : rule.environment})`,
    remediation: renderRemediation(plan),
    remediationPlan: plan,
    ...(rule.remediation.revokeUrl !== undefined && { revokeUrl: rule.remediation.revokeUrl }),
    ...(rotateDays !== undefined && { rotateDays }),
    tags: [...rule.tags],
  };
  attachSecret(finding, secret);
  return finding;
}
