// Pairing: the findings of one scan unit, after line mapping and before policy, become multi-part
// findings where a rule's `pair` says so. Each anchor (in line order) takes, per role, the nearest
// unused companion within reach: candidates are sorted once and "next unused" is found through
// path-compressed skip pointers, so a unit with n findings costs O(n log n), never a cross product.
import { fingerprintOf, sha256Hex } from "../finding/fingerprint.js";
import { remediationPlan, renderRemediation } from "../finding/remediation.js";
import { attachPartSecret, attachSecret, deriveFinding, revealSecret } from "../finding/secret-store.js";
import { ROTATION_DAYS, SEVERITIES, type Finding, type FindingPart, type Severity } from "../types.js";
import type { AnchorPlan, PairingPlan } from "./plan.js";

/** Comparisons made while pairing, for tests that check the cost stays linear-ish. */
export const pairingStats = { comparisons: 0 };

const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);

/** Lines between two findings' spans (0 when they share a line). */
function lineGap(a: Finding, b: Finding): number {
  if (b.line > a.endLine) return b.line - a.endLine;
  if (a.line > b.endLine) return a.line - b.endLine;
  return 0;
}

function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.offset - b.offset;
}

/** The root of `i` in a forest of skip pointers, compressing the path on the way. */
function root(links: Int32Array, i: number): number {
  let r = i;
  while (links[r] !== r) r = links[r]!;
  while (links[i] !== r) {
    const n = links[i]!;
    links[i] = r;
    i = n;
  }
  return r;
}

/**
 * Candidates of one role in line order, with "next unused at or after i" and "previous unused at or
 * before i" answered by skip pointers (union-find with path compression).
 */
class RoleCandidates {
  private readonly next: Int32Array;
  private readonly prev: Int32Array;

  constructor(
    readonly items: Finding[],
    private readonly used: Set<Finding>,
  ) {
    const n = items.length;
    this.next = new Int32Array(n + 1).map((_, i) => i);
    this.prev = new Int32Array(n + 1).map((_, i) => i);
  }

  private findNext(i: number): number {
    return root(this.next, i);
  }

  /** prev is indexed from 1 (0 = none before). */
  private findPrev(i: number): number {
    return root(this.prev, i);
  }

  /** Marks item i as taken (by this role or, found lazily, by another pair). */
  take(i: number): void {
    this.next[i] = i + 1;
    this.prev[i + 1] = i;
  }

  /** First unused index at or after i (items.length when none). */
  unusedFrom(i: number): number {
    for (;;) {
      const j = this.findNext(i);
      if (j >= this.items.length || !this.used.has(this.items[j]!)) return j;
      this.take(j);
    }
  }

  /** Last unused index at or before i (-1 when none). */
  unusedUpTo(i: number): number {
    for (;;) {
      const j = this.findPrev(i + 1) - 1;
      if (j < 0 || !this.used.has(this.items[j]!)) return j;
      this.take(j);
    }
  }

  /** Index of the first item not before `f` in line order (binary search). */
  lowerBound(f: Finding): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      pairingStats.comparisons++;
      if (byPosition(this.items[mid]!, f) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The nearest unused candidate of a role within reach of `anchor`, or -1. Earlier wins a tie. */
function nearest(c: RoleCandidates, anchor: Finding, within: number | "unit"): number {
  const at = c.lowerBound(anchor);
  const after = c.unusedFrom(at);
  const before = c.unusedUpTo(at - 1);
  const reach = (i: number) => i >= 0 && i < c.items.length && c.items[i] !== anchor && (within === "unit" || lineGap(anchor, c.items[i]!) <= within);
  const okA = reach(after);
  const okB = reach(before);
  pairingStats.comparisons += 2;
  if (okA && okB) {
    const a = c.items[after]!;
    const b = c.items[before]!;
    const da = lineGap(anchor, a);
    const db = lineGap(anchor, b);
    if (da !== db) return da < db ? after : before;
    // On the anchor's own line the nearer in bytes; a line either side, the earlier (in line order
    // the later anchor still has the later one: `secret, id, secret, id` pairs as written).
    return da === 0 && Math.abs(a.offset - anchor.offset) < Math.abs(anchor.offset - b.offset) ? after : before;
  }
  return okA ? after : okB ? before : -1;
}

/** The digest that identifies a pair: the anchor's and its required parts' keyed digests (all parts when none is required). */
export function pairDigest(anchor: FindingPart, parts: readonly { part: FindingPart; required: boolean }[]): string {
  const keyed = parts.some((p) => p.required) ? parts.filter((p) => p.required) : parts;
  const text = ["keyfence/pair/v1", anchor.role, anchor.secretDigest, ...keyed.flatMap((p) => [p.part.role, p.part.secretDigest])].join("\0");
  return sha256Hex(text);
}

function partOf(f: Finding, role: string): FindingPart {
  const part: FindingPart = {
    ruleId: f.ruleId,
    role,
    redacted: f.redacted,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    offset: f.offset,
    endOffset: f.endOffset,
    secretDigest: f.secretDigest,
  };
  const secret = revealSecret(f);
  if (secret !== undefined) attachPartSecret(part, secret);
  return part;
}

function pairedFinding(plan: PairingPlan, a: AnchorPlan, anchor: Finding, taken: { role: string; required: boolean; finding: Finding }[]): Finding {
  const anchorPart = partOf(anchor, a.pair.role);
  const parts = taken.map((t) => ({ part: partOf(t.finding, t.role), required: t.required }));
  const all = [anchor, ...taken.map((t) => t.finding)];
  const digest = pairDigest(anchorPart, parts);
  const sandbox = all.some((f) => f.environment === "sandbox");
  // A sandbox part means a sandbox credential: the pair keeps its parts' own grades.
  const severity = sandbox ? all.map((f) => f.severity).reduce((x, y) => (rank(y) > rank(x) ? y : x)) : a.pair.severity;
  const envFrom = sandbox ? all.find((f) => f.environment === "sandbox")! : (all.find((f) => f.environment !== "unknown") ?? anchor);
  const environment = envFrom.environment;
  // The fix is the most serious part's (the secret's, not the id's).
  const lead = all.reduce((x, y) => (rank(y.severity) > rank(x.severity) ? y : x));
  const leadRule = plan.rules.get(lead.ruleId) ?? a.rule;
  const rotateDays = leadRule.remediation.rotateDays ?? ROTATION_DAYS[severity];
  const remedy = remediationPlan(rotateDays, leadRule.remediation.revokeUrl ?? a.rule.remediation.revokeUrl, leadRule.remediation.advice);
  const roles = parts.map((p) => p.part.role);
  const title = a.pair.title ?? `${a.rule.title} with its ${roles.join(" and ")}`;
  const where = [anchorPart, ...parts.map((p) => p.part)].map((p) => `${p.role} at line ${p.line}`).join(", ");
  const tags = [...new Set(all.flatMap((f) => f.tags))];
  const out = deriveFinding(anchor, {
    kind: a.pair.kind ?? a.rule.kind,
    title,
    severity,
    environment,
    redacted: [anchorPart, ...parts.map((p) => p.part)].map((p) => p.redacted).join(" + "),
    secretDigest: digest,
    fingerprint: fingerprintOf(anchor.ruleId, anchor.path, digest),
    message: `${title} (${a.rule.provider}, ${environment === "unknown" ? "environment unknown" : environment}): ${all.length} parts (${where})`,
    remediationPlan: remedy,
    remediation: renderRemediation(remedy),
    tags,
    parts: [anchorPart, ...parts.map((p) => p.part)],
  });
  if (envFrom.environmentSource !== undefined) out.environmentSource = envFrom.environmentSource;
  else delete out.environmentSource;
  delete out.entropy;
  if (remedy.revokeUrl !== undefined) out.revokeUrl = remedy.revokeUrl;
  if (rotateDays !== undefined) out.rotateDays = rotateDays;
  else delete out.rotateDays;
  const secret = revealSecret(anchor);
  if (secret !== undefined) attachSecret(out, secret);
  return out;
}

function spanKey(f: { offset: number; endOffset: number }): string {
  return `${f.offset}:${f.endOffset}`;
}

/** One group's findings (one path in one unit), paired; order: by position, as the engine emitted them. */
function pairGroup(plan: PairingPlan, findings: Finding[]): Finding[] {
  const used = new Set<Finding>();
  const pairs = new Map<Finding, Finding>();
  const sorted = [...findings].sort(byPosition);
  const ofRule = new Map<string, Finding[]>();
  for (const f of sorted) {
    const list = ofRule.get(f.ruleId);
    if (list) list.push(f);
    else ofRule.set(f.ruleId, [f]);
  }
  // A value a provider's own rule reports is that provider's: a part-only rule (a name too common to
  // report alone, `secret_key`) does not take it into another provider's pair (APCA_API_SECRET_KEY
  // five lines below an AWS key id is Alpaca's secret).
  const owned = new Set<string>();
  for (const f of findings) {
    const r = plan.rules.get(f.ruleId);
    if (r && !r.generic && plan.alone.get(f.ruleId) !== "drop") owned.add(spanKey(f));
  }
  const free = (f: Finding) => plan.alone.get(f.ruleId) !== "drop" || !owned.has(spanKey(f));
  for (const a of plan.anchors) {
    const anchors = ofRule.get(a.rule.id);
    if (!anchors?.length) continue;
    const roles = a.roles.map((r) => {
      const items = [...r.rules].flatMap((id) => ofRule.get(id) ?? []).filter(free);
      if (r.rules.size > 1) items.sort(byPosition);
      return { role: r, c: new RoleCandidates(items, used) };
    });
    if (roles.some((r) => r.role.required && r.c.items.length === 0)) continue;
    for (const anchor of anchors) {
      if (used.has(anchor)) continue;
      const taken: { role: string; required: boolean; finding: Finding; c: RoleCandidates; i: number }[] = [];
      let complete = true;
      for (const { role, c } of roles) {
        const i = nearest(c, anchor, a.pair.within);
        if (i < 0) {
          if (role.required) {
            complete = false;
            break;
          }
          continue;
        }
        // Two roles may list the same rule: a finding fills one of them.
        if (taken.some((t) => t.finding === c.items[i])) continue;
        taken.push({ role: role.role, required: role.required, finding: c.items[i]!, c, i });
      }
      if (!complete || !taken.length) continue;
      used.add(anchor);
      for (const t of taken) {
        used.add(t.finding);
        t.c.take(t.i);
      }
      pairs.set(anchor, pairedFinding(plan, a, anchor, taken));
    }
  }
  // The spans a pair took: another rule's finding of the same value (a generic rule, a part-only rule) goes with them.
  const takenSpans = new Set<string>();
  for (const f of used) takenSpans.add(spanKey(f));
  const out: Finding[] = [];
  for (const f of findings) {
    const paired = pairs.get(f);
    if (paired) {
      out.push(paired);
      continue;
    }
    if (used.has(f) || (takenSpans.size && takenSpans.has(spanKey(f)))) continue;
    const alone = plan.alone.get(f.ruleId);
    if (alone === "drop") continue;
    if (alone !== undefined && rank(alone) < rank(f.severity)) {
      const rotateDays = plan.rules.get(f.ruleId)?.remediation.rotateDays ?? ROTATION_DAYS[alone];
      const base = f.remediationPlan ?? {};
      const remedy = { ...base, ...(rotateDays !== undefined && { rotateDays }) };
      const lowered = deriveFinding(f, { severity: alone, remediationPlan: remedy, remediation: renderRemediation(remedy) });
      if (rotateDays !== undefined) lowered.rotateDays = rotateDays;
      else delete lowered.rotateDays;
      out.push(lowered);
      continue;
    }
    out.push(f);
  }
  return out;
}

/**
 * One scan unit's findings, paired. Findings of different paths (entries of an archive), commits or
 * image layers never pair. Without a finding of a rule that pairs or governs its lone findings, the
 * findings come back as they are.
 */
export function pairFindings(plan: PairingPlan, findings: Finding[]): Finding[] {
  if (findings.length === 0) return findings;
  if (!findings.some((f) => plan.involved.has(f.ruleId) || plan.alone.has(f.ruleId))) return findings;
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.path}\0${f.commit ?? ""}\0${f.layer ?? ""}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  if (groups.size === 1) return pairGroup(plan, findings);
  return [...groups.values()].flatMap((g) => pairGroup(plan, g));
}
