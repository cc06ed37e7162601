// What to report and what blocks, after the engine has decided what is a credential: path
// allowlists, known-safe hashes, severity overrides, info filtering and the fail-on threshold.
import { picomatch } from "../deferred-imports.js";
import type { Config, FailOn } from "../config/config.js";
import type { Finding } from "../types.js";
import { ROTATION_DAYS } from "../types.js";
import { remediationText } from "../engine/finding.js";
import { deriveFinding } from "../engine/secret-store.js";
import { blocks } from "./severity.js";

export const DEFAULT_FAIL_ON: FailOn = "medium";

export interface Policy {
  failOn: FailOn;
  /** The finding as it should be reported, or undefined when policy suppresses it. */
  apply(f: Finding): Finding | undefined;
  blocks(f: Finding): boolean;
}

export function createPolicy(config: Config, overrides: { failOn?: FailOn } = {}): Policy {
  const failOn = overrides.failOn ?? config.failOn ?? DEFAULT_FAIL_ON;
  const allowedPath = config.allowlist?.paths?.length ? picomatch(config.allowlist.paths, { dot: true }) : undefined;
  const safeHashes = new Set(config.allowlist?.secretHashes ?? []);
  const severity = config.severity ?? {};
  const reportInfo = config.reportInfo ?? false;
  return {
    failOn,
    apply(f) {
      if (allowedPath?.(f.path)) return undefined;
      if (safeHashes.has(f.secretHash)) return undefined;
      const override = severity[f.ruleId];
      let out = f;
      if (override && override !== f.severity) {
        // The rotation window follows the severity, so the advice is rebuilt with it.
        const rotateDays = ROTATION_DAYS[override];
        out = deriveFinding(f, { severity: override, rotateDays, remediation: remediationText(rotateDays, f.revokeUrl, undefined) });
      }
      if (out.severity === "info" && !reportInfo) return undefined;
      return out;
    },
    blocks: (f) => blocks(f.severity, failOn),
  };
}
