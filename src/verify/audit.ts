// What the audit trail records of each outbound verification request, so a SOC can match it
// against its own alerts (time, provider, host, rule, result). Never the value, a header or a body.
import type { VerificationStatus } from "./types.js";

export interface VerificationRecord {
  type: "verification";
  when: string;
  provider: string;
  method: string;
  host: string;
  /** The request as documented (a webhook's secret path is shown as "…"). */
  endpoint: string;
  ruleId: string;
  fingerprint: string;
  status: VerificationStatus;
  reason: string;
  durationMs: number;
}
