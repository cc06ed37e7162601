// Checks that need no network, run before any request: a value they settle is never sent. Cheapest
// first; each returns a verdict or passes.
import { isKnownExample } from "../engine/placeholders.js";
import { VALIDATORS } from "../engine/validators.js";
import { awsAccountOf, CANARY_ACCOUNTS } from "./aws-account.js";
import type { Rule } from "../types.js";
import type { Verification, VerifyInput } from "./types.js";

export interface OfflineContext {
  rule?: Rule;
  /** Rule ids that reported this same value in the run (by keyed digest). */
  claimedBy: ReadonlySet<string>;
}

function documentedExample(input: VerifyInput): Verification | undefined {
  // Providers publish keys in their docs (AWS's …EXAMPLE pair, Stripe's sample keys): they work
  // nowhere, or in a shared sandbox, and asking about them tells an observer nothing good.
  const values = [input.secret, ...input.parts.values()];
  if (values.some((v) => isKnownExample(v) || /EXAMPLE/i.test(v))) return { status: "revoked", reason: "a documented example value, not a credential (not sent)" };
  return undefined;
}

function checksum(input: VerifyInput, rule: Rule | undefined): Verification | undefined {
  for (const name of rule?.validate ?? []) {
    if (name === "random") continue; // a heuristic, not a checksum the provider enforces
    if (!VALIDATORS[name](input.secret)) return { status: "revoked", reason: `fails its ${name} checksum: the provider cannot have issued it (not sent)` };
  }
  return undefined;
}

function canary(input: VerifyInput): Verification | undefined {
  for (const v of [input.secret, ...input.parts.values()]) {
    const account = awsAccountOf(v);
    const issuer = account && CANARY_ACCOUNTS.get(account);
    if (issuer) return { status: "unknown", reason: `a honeytoken: AWS account ${account} belongs to ${issuer}; using it alerts its owner (not sent)` };
  }
  return undefined;
}

function ambiguous(ctx: OfflineContext): Verification | undefined {
  if (ctx.claimedBy.size < 2) return undefined;
  return { status: "unknown", reason: `claimed by ${ctx.claimedBy.size} rules (${[...ctx.claimedBy].sort().join(", ")}): which provider it belongs to is not certain (not sent)` };
}

export function offlineVerdict(input: VerifyInput, ctx: OfflineContext): Verification | undefined {
  return documentedExample(input) ?? checksum(input, ctx.rule) ?? canary(input) ?? ambiguous(ctx);
}
