// What the rules say about multi-part credentials, indexed once per rule set: which rules anchor a
// pair, which rules fill each of its roles, and what a rule's finding does when it is in no pair.
import type { Rule, RuleAlone, RulePair } from "../types.js";

export interface PairRole {
  role: string;
  required: boolean;
  /** Rules whose findings may fill this role (parts that share a role are alternatives). */
  rules: Set<string>;
}

export interface AnchorPlan {
  rule: Rule;
  pair: RulePair;
  /** Roles in the order the pack declares them. */
  roles: PairRole[];
}

export interface PairingPlan {
  /** Anchor rules in the order pairing runs them: rules reported alone first, part-only rules last. */
  anchors: AnchorPlan[];
  anchorOf: Map<string, AnchorPlan>;
  /** Rules that take part in some pair (anchors and companions), for the fast path. */
  involved: Set<string>;
  /** Rules whose lone findings are not reported as found. */
  alone: Map<string, Exclude<RuleAlone, "keep">>;
  rules: Map<string, Rule>;
}

/** The pairing plan of a rule set; a plan with no anchors and no `alone` rules changes nothing. */
export function pairingPlan(rules: readonly Rule[]): PairingPlan {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const anchors: AnchorPlan[] = [];
  const involved = new Set<string>();
  const alone = new Map<string, Exclude<RuleAlone, "keep">>();
  for (const r of rules) {
    if (r.alone !== undefined && r.alone !== "keep") alone.set(r.id, r.alone);
    if (!r.pair) continue;
    const roles: PairRole[] = [];
    for (const p of r.pair.parts) {
      // A companion rule that is not in the set (disabled by configuration) never fills its role.
      if (!byId.has(p.rule)) continue;
      let role = roles.find((x) => x.role === p.role);
      if (!role) roles.push((role = { role: p.role, required: p.required, rules: new Set() }));
      role.required ||= p.required;
      role.rules.add(p.rule);
      involved.add(p.rule);
    }
    // Without any companion rule left, a required role can never be filled: every anchor is alone.
    if (!roles.length) continue;
    const dropped = r.pair.parts.some((p) => p.required && !byId.has(p.rule) && !roles.some((x) => x.role === p.role));
    if (dropped) continue;
    involved.add(r.id);
    anchors.push({ rule: r, pair: r.pair, roles });
  }
  // Rules reported on their own anchor first: where a part-only rule matched the same value (an
  // unnamed auth token beside a named one), the named rule's pair takes the companions.
  const order = new Map(rules.map((r, i) => [r.id, i]));
  anchors.sort((a, b) => Number(a.rule.alone === "drop") - Number(b.rule.alone === "drop") || order.get(a.rule.id)! - order.get(b.rule.id)!);
  return { anchors, anchorOf: new Map(anchors.map((a) => [a.rule.id, a])), involved, alone, rules: byId };
}

/** Whether pairing can change anything for a rule set. */
export function pairingMatters(plan: PairingPlan): boolean {
  return plan.anchors.length > 0 || plan.alone.size > 0;
}
