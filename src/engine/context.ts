// Environment from surroundings, for tokens that carry no live/test marker of their own (Square
// EAAA tokens, PayPal and Adyen keys, Plaid secrets…): the nearest sandbox or production marker in
// the text around the secret decides, else a sandbox-like file name. Only bytes inside the rule's
// window are read, so the result is the same for any chunking of the input.
import type RE2 from "re2";
import { compileRuleExtras } from "./rule-extras.js";
import { compilePattern } from "./compile.js";
import { remediationPlan, renderRemediation } from "../finding/remediation.js";
import { ROTATION_DAYS, type Environment, type Finding, type Rule } from "../types.js";

// Markers every context-aware rule understands, on top of its own provider hosts.
const SHARED_SANDBOX: RE2[] = [
  String.raw`\b(?:env|environment|mode|stage)["']?\s*(?:=|:|=>)\s*["']?(?:sandbox|test|testing|testnet|paper)\b`,
  String.raw`\bEnvironment\.(?:Sandbox|Test|Testing|Development)\b`,
  String.raw`https?://[a-z0-9.-]*(?:sandbox|testnet|paper-api|-test\.|\.test\.)[a-z0-9.-]*`,
].map((p) => compilePattern(p, "gi", { subject: "shared sandbox context" }));

const SHARED_LIVE: RE2[] = [
  String.raw`\b(?:env|environment|mode|stage)["']?\s*(?:=|:|=>)\s*["']?(?:production|prod|live)\b`,
  String.raw`\bEnvironment\.(?:Production|Live)\b`,
].map((p) => compilePattern(p, "gi", { subject: "shared live context" }));

// `.env.test`, `.env.sandbox`, `config/sandbox/…`: files that by name hold non-production values.
const SANDBOX_PATH = /(?:^|\/)\.env\.(?:test|testing|sandbox|ci)$|(?:^|\/)sandbox(?:\/|$)|(?:^|\/)[^/]*\.sandbox\.[a-z]+$/i;

interface Evidence {
  environment: Environment;
  distance: number;
  text: string;
}

function nearest(patterns: RE2[], environment: Environment, region: Buffer, secretFrom: number, secretTo: number, best: Evidence | undefined): Evidence | undefined {
  for (const re of patterns) {
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(region);
      if (!m) break;
      const from = m.index;
      const to = from + (m[0] as unknown as Buffer).length;
      if (to === from) re.lastIndex = from + 1;
      // Text inside the secret says nothing about its surroundings.
      if (from < secretTo && to > secretFrom) continue;
      const distance = to <= secretFrom ? secretFrom - to : from - secretTo;
      if (!best || distance < best.distance) best = { environment, distance, text: (m[0] as unknown as Buffer).toString("utf8") };
    }
  }
  return best;
}

/**
 * Quoted evidence safe to print: short, single-line, and with any token-like run masked — the
 * evidence can itself be a key id or client id that another rule reports.
 */
function shown(text: string): string {
  const t = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[A-Za-z0-9_+/=-]{12,}/g, (run) => `${run.slice(0, 4)}••••`);
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

/**
 * Sets environment (and, for sandbox, severity and rotation window) of a finding whose rule has a
 * `context` block and no environment of its own. `window` is the bytes the rule ran on; the secret
 * occupies [from, to) of it.
 */
export function applyContext(rule: Rule, finding: Finding, window: Buffer, from: number, to: number, path: string): void {
  const ctx = rule.context;
  if (!ctx || rule.environment !== "unknown") return;
  const extras = compileRuleExtras(rule);
  const lo = Math.max(0, from - ctx.radius);
  const region = window.subarray(lo, Math.min(window.length, to + ctx.radius));
  let best = nearest([...extras.sandbox, ...SHARED_SANDBOX], "sandbox", region, from - lo, to - lo, undefined);
  best = nearest([...extras.live, ...SHARED_LIVE], "live", region, from - lo, to - lo, best);
  let source: "context" | "path" | undefined;
  let because: string;
  if (best) {
    source = "context";
    because = `inferred from "${shown(best.text)}" nearby`;
  } else if (SANDBOX_PATH.test(path)) {
    best = { environment: "sandbox", distance: 0, text: path };
    source = "path";
    because = "inferred from the file name";
  } else {
    return;
  }
  finding.environment = best.environment;
  finding.environmentSource = source;
  if (best.environment === "sandbox") {
    finding.severity = ctx.sandboxSeverity;
    const rotateDays = ROTATION_DAYS[ctx.sandboxSeverity];
    if (rotateDays) finding.rotateDays = rotateDays;
    else delete finding.rotateDays;
    finding.remediationPlan = remediationPlan(rotateDays, rule.remediation.revokeUrl, rule.remediation.advice);
    finding.remediation = renderRemediation(finding.remediationPlan);
  }
  finding.message = `${rule.title} (${rule.provider}, ${best.environment}: ${because})`;
}
