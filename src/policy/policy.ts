// What to report and what blocks, after the engine has decided what is a credential: path
// allowlists, known-safe hashes, severity overrides, info filtering and the fail-on threshold.
import { revealParts, revealSecret } from "../finding/secret-store.js";
import { sha256Hex } from "../finding/fingerprint.js";
import { picomatch } from "../deferred-imports.js";
import type { Config, FailOn } from "../config/config.js";
import type { Finding } from "../types.js";
import { ROTATION_DAYS } from "../types.js";
import { remediationPlanOf, withRemediation } from "../finding/remediation.js";
import { blocks } from "./severity.js";
import { environmentCheck } from "./environment.js";

export const DEFAULT_FAIL_ON: FailOn = "medium";

export interface Policy {
  failOn: FailOn;
  /**
   * What to report for one engine finding: nothing (suppressed), the finding as policy shapes it,
   * and any control findings it gives rise to (environment separation).
   */
  apply(f: Finding): Finding[];
  blocks(f: Finding): boolean;
}

export function createPolicy(config: Config, overrides: { failOn?: FailOn } = {}): Policy {
  const failOn = overrides.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  const allowedPath = config.allowlist?.paths?.length ? picomatch(config.allowlist.paths, { dot: true }) : undefined;
  // Known non-secret values: keyed digests ('keyfence key digest'), or, from older configurations, SHA-256
  // hashes — compared here in the process only, never written anywhere.
  const safeDigests = new Set(config.allowlist?.secretDigests ?? []);
  const safeHashes = new Set(config.allowlist?.secretHashes ?? []);
  const knownSafe = (f: Finding): boolean => {
    if (safeDigests.has(f.secretDigest)) return true;
    // A multi-part credential whose part is a known non-secret value (a documented example secret).
    if (f.parts?.some((p) => safeDigests.has(p.secretDigest))) return true;
    if (safeHashes.size === 0) return false;
    const secrets = f.parts ? revealParts(f).map((p) => p.secret) : [revealSecret(f)];
    return secrets.some((secret) => secret !== undefined && safeHashes.has(sha256Hex(secret)));
  };
  const severity = config.severity ?? {};
  const reportInfo = config.reportInfo ?? false;
  const separation = environmentCheck(config.environments);
  const shape = (f: Finding): Finding | undefined => {
    const override = severity[f.ruleId];
    const out =
      override && override !== f.severity
        ? // The rotation window follows the severity, so the plan changes with it.
          withRemediation(f, { ...remediationPlanOf(f), rotateDays: ROTATION_DAYS[override] }, { severity: override })
        : f;
    return out.severity === "info" && !reportInfo ? undefined : out;
  };
  return {
    failOn,
    apply(f) {
      if (allowedPath?.(f.path)) return [];
      if (knownSafe(f)) return [];
      const own = shape(f);
      // Control findings are judged on the credential as found, and can be re-graded like any rule.
      const controls = separation(f).flatMap((c) => shape(c) ?? []);
      return own ? [own, ...controls] : controls;
    },
    blocks: (f) => blocks(f.severity, failOn),
  };
}
