// The vocabulary of live verification: what a provider is asked, what it answered, and the verdict
// a finding carries. A provider sees only the secret and its companion parts, never a Finding.
import type { Environment } from "../types.js";

export type VerificationStatus = "live" | "revoked" | "unknown" | "error";

export interface Verification {
  status: VerificationStatus;
  /** One line a reader can act on; never holds the secret (scrubbed before it is stored). */
  reason: string;
}

/** What a provider is given: the value, the companion parts by role, and where the finding says it belongs. */
export interface VerifyInput {
  ruleId: string;
  secret: string;
  /** Companion parts by role (src/verify/parts.ts is the one adapter from a Finding's parts). */
  parts: ReadonlyMap<string, string>;
  environment: Environment;
}

/** One HTTPS request; the secret may sit in headers or body, and in `path` only when `pathIsSecret`. */
export interface ProviderRequest {
  method: "GET" | "POST";
  host: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What the audit log and docs show instead of the path (a webhook's path is its secret). */
  endpoint: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most the first 64 KiB, decoded as UTF-8; read only by the provider's judge, never logged. */
  body: string;
}

export interface Provider {
  id: string;
  /** Rule ids whose findings this provider verifies. */
  rules: readonly string[];
  /** The only hosts its requests may go to; anything else is refused before a socket opens. */
  hosts: readonly string[];
  /** Roles of companion parts the rule needs and the input lacks (empty: ready). */
  missing?(input: VerifyInput): string[];
  /** The one read-only request, or a verdict when the rule or environment cannot be checked safely. */
  request(input: VerifyInput): ProviderRequest | Verification;
  judge(result: HttpResult, input: VerifyInput): Verification;
}

export function isVerification(v: ProviderRequest | Verification): v is Verification {
  return "status" in v;
}
