// Verification of a finished scan's findings: offline checks first (a value they settle is never
// sent), then at most one read-only request per distinct credential, through the transport's
// allowlist and the limiter. A live credential is raised to critical; other verdicts leave
// severity, and so --fail-on, unchanged.
import { nodeCrypto } from "../deferred-imports.js";
import { deriveFinding } from "../finding/secret-store.js";
import { remediationPlanOf, withRemediation } from "../finding/remediation.js";
import { ROTATION_DAYS, type Finding, type Rule } from "../types.js";
import { VERSION } from "../version.js";
import { offlineVerdict } from "./offline.js";
import { valuesOf, verifyInputOf } from "./parts.js";
import { providerFor } from "./providers/index.js";
import { RequestLimiter } from "./limits.js";
import { scrubReason } from "./scrub.js";
import { checkAllowed, send, type TransportOptions } from "./transport.js";
import { isVerification, type Verification, type VerifyInput } from "./types.js";
import type { VerificationRecord } from "./audit.js";

export const USER_AGENT = `keyfence/${VERSION} (+verification; read-only)`;

export interface VerifierOptions {
  /** Deadline of one request, connect to last byte (default 5000 ms). */
  timeoutMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Spacing of requests to one host once its burst is spent (default 100 ms), and the burst (default 4). */
  perHostIntervalMs?: number;
  perHostBurst?: number;
  /** Where HTTPS_PROXY / NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The run's rules, for checksum validators. */
  rules?: readonly Rule[];
  /** Each outbound request, once answered or failed: for the audit log. */
  onRequest?: (record: VerificationRecord) => void;
}

/** Test-only transport overrides (src/verify/transport.ts); not part of the public API. */
export type InternalVerifierOptions = VerifierOptions & Pick<TransportOptions, "route" | "ca">;

export interface VerifyOutcome {
  findings: Finding[];
  /** Requests that left the process. */
  requests: number;
}

function digest(input: VerifyInput): string {
  const h = nodeCrypto().createHash("sha256").update(`${input.ruleId}\0${input.environment}\0${input.secret}`);
  for (const [role, v] of [...input.parts].sort(([a], [b]) => a.localeCompare(b))) h.update(`\0${role}\0${v}`);
  return h.digest("hex");
}

export async function verifyFindings(findings: readonly Finding[], options: InternalVerifierOptions = {}): Promise<VerifyOutcome> {
  const transport: TransportOptions = { timeoutMs: options.timeoutMs ?? 5000, userAgent: USER_AGENT, env: options.env ?? process.env, ...(options.route && { route: options.route }), ...(options.ca && { ca: options.ca }) };
  const limiter = new RequestLimiter({ concurrency: options.concurrency ?? 4, perHostIntervalMs: options.perHostIntervalMs ?? 100, perHostBurst: options.perHostBurst ?? 4 });
  const rules = new Map((options.rules ?? []).map((r) => [r.id, r]));
  const claims = new Map<string, Set<string>>();
  for (const f of findings) (claims.get(f.secretDigest) ?? claims.set(f.secretDigest, new Set()).get(f.secretDigest)!).add(f.ruleId);
  let requests = 0;
  // The same credential found in many places is asked about once.
  const asked = new Map<string, Promise<Verification>>();

  const verifyOne = async (f: Finding): Promise<Verification> => {
    const input = verifyInputOf(f);
    if (!input) return { status: "unknown", reason: "the value is not available to verify" };
    const values = valuesOf(input);
    const settled = offlineVerdict(input, { rule: rules.get(f.ruleId), claimedBy: claims.get(f.secretDigest) ?? new Set() });
    if (settled) return settled;
    const provider = providerFor(f.ruleId);
    if (!provider) return { status: "unknown", reason: "no live check for this rule (not sent)" };
    const missing = provider.missing?.(input) ?? [];
    if (missing.length) return { status: "unknown", reason: `needs its companion part (${missing.join(", ")}) (not sent)` };
    const key = digest(input);
    let pending = asked.get(key);
    if (!pending) {
      pending = (async (): Promise<Verification> => {
        let request;
        try {
          request = provider.request(input);
        } catch (err) {
          return { status: "error", reason: scrubReason(`cannot build the request: ${(err as Error).message}`, values) };
        }
        if (isVerification(request)) return request;
        const req = request;
        const started = Date.now();
        const verdict = await limiter.run(req.host, async (): Promise<Verification> => {
          try {
            checkAllowed(req, provider.hosts);
            requests++;
            return provider.judge(await send(req, provider.hosts, transport), input);
          } catch (err) {
            return { status: "error", reason: (err as Error).message };
          }
        });
        const safe = { status: verdict.status, reason: scrubReason(verdict.reason, values) };
        // Refused requests are recorded too (status error, "refused"): they never left, but someone asked.
        options.onRequest?.({ type: "verification", when: new Date(started).toISOString(), provider: provider.id, method: req.method, host: req.host, endpoint: req.endpoint, ruleId: f.ruleId, fingerprint: f.fingerprint, status: safe.status, reason: safe.reason, durationMs: Date.now() - started });
        return safe;
      })();
      asked.set(key, pending);
    }
    return pending;
  };

  const verdicts = await Promise.all(findings.map(verifyOne));
  const out = findings.map((f, i) => withVerification(f, verdicts[i]!));
  return { findings: out, requests };
}

/** The finding with its verdict; a live credential becomes critical, with the 30-day window. */
export function withVerification(f: Finding, verification: Verification): Finding {
  if (verification.status !== "live" || f.severity === "critical") return deriveFinding(f, { verification });
  return withRemediation(f, { ...remediationPlanOf(f), rotateDays: ROTATION_DAYS.critical }, { severity: "critical", verification });
}
