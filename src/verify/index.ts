// The public face of verification (README "Live verification"): the options a program may set,
// without the transport overrides tests use, and the configuration's `verify: never` honoured.
import type { Config } from "../config/config.js";
import type { Finding } from "../types.js";
import type { VerifierOptions, VerifyOutcome } from "./verifier.js";

export type { VerifierOptions, VerifyOutcome } from "./verifier.js";
export type { Verification, VerificationStatus } from "./types.js";
export type { VerificationRecord } from "./audit.js";

export interface VerifyOptions extends VerifierOptions {
  /** The configuration the scan ran with: `verify: "never"` means nothing is sent. */
  config?: Config;
}

export interface PublicVerifyOutcome extends VerifyOutcome {
  /** True when the configuration forbids verification: findings come back unchanged and nothing was sent. */
  forbidden: boolean;
}

const PUBLIC_KEYS = ["timeoutMs", "concurrency", "perHostIntervalMs", "perHostBurst", "env", "rules", "onRequest"] as const;

export async function verifyFindings(findings: readonly Finding[], options: VerifyOptions = {}): Promise<PublicVerifyOutcome> {
  if (options.config?.verify === "never") return { findings: [...findings], requests: 0, forbidden: true };
  // Only documented options pass: a caller cannot reach the test-only transport overrides.
  const picked: VerifierOptions = {};
  for (const k of PUBLIC_KEYS) if (options[k] !== undefined) (picked as Record<string, unknown>)[k] = options[k];
  // The verifier (HTTPS, TLS, providers) is loaded only when something is to be verified.
  const { verifyFindings: verifyInternal } = await import("./verifier.js");
  return { ...(await verifyInternal(findings, picked)), forbidden: false };
}
