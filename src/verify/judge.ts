// Reading a provider's answer. Most checks ask for a resource that cannot exist: only a key that
// authenticated gets as far as "not found". Answers outside the documented ones are `unknown`, never
// guessed; throttling and server faults are `error` (the key may be either).
import type { HttpResult, Verification } from "./types.js";

export interface StatusMap {
  live: readonly number[];
  revoked: readonly number[];
  /** What the live answer means, e.g. "authenticated; the probe resource does not exist". */
  liveMeans?: string;
}

/** Verdicts every provider shares: rate limits and server errors say nothing about the key. */
export function commonVerdict(r: HttpResult): Verification | undefined {
  if (r.status === 429) return { status: "error", reason: "rate limited by the provider (HTTP 429); try again later" };
  if (r.status >= 500) return { status: "error", reason: `provider error (HTTP ${r.status})` };
  return undefined;
}

export function byStatus(map: StatusMap): (r: HttpResult) => Verification {
  return (r) => {
    if (map.live.includes(r.status)) return { status: "live", reason: `${map.liveMeans ?? "the provider accepted the credential"} (HTTP ${r.status})` };
    if (map.revoked.includes(r.status)) return { status: "revoked", reason: `the provider rejected the credential (HTTP ${r.status})` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}` };
  };
}

/** The first field of a small JSON body, or undefined when it is not JSON (bodies are never logged). */
export function jsonField(body: string, ...path: string[]): unknown {
  try {
    let v: unknown = JSON.parse(body);
    for (const k of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    return v;
  } catch {
    return undefined;
  }
}

export const NOT_FOUND_MEANS = "authenticated; the resource asked for cannot exist";
