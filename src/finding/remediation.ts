// The remediation a finding carries: what to do about an exposed credential, as data
// (`Finding.remediationPlan`). The one-line text every reporter shows (`Finding.remediation`) is
// rendered from it here and only here: a later stage (history's exposure, policy's severity override,
// an expired baseline) changes the plan and renders again, and nobody parses the prose back.
import { deriveFinding } from "./secret-store.js";
import type { Finding } from "../types.js";

export interface RemediationPlan {
  /** Days within which the credential must be rotated once exposed (from its severity or rule). */
  rotateDays?: number;
  /** The provider's page to revoke or roll the key. */
  revokeUrl?: string;
  /** What to do instead of committing the value; default: an environment variable or a secret manager. */
  advice?: string;
  /** How long it has been exposed (history): this leads the line and sets how urgent rotation is. */
  exposure?: {
    /** "exposed 412 days; critical credentials must be rotated within 30; still present at HEAD". */
    sentence: string;
    days: number;
    overdueDays: number;
  };
  /** Sentences said first, e.g. that a baseline's acceptance of the finding has expired. */
  preface?: string[];
}

const DEFAULT_ADVICE = "load it from an environment variable or a secret manager instead of committing it";

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One line a developer can act on: rotate within the window (or now), where to revoke, what to do instead. */
export function renderRemediation(plan: RemediationPlan): string {
  const { rotateDays, revokeUrl, exposure } = plan;
  const parts: string[] = [];
  if (rotateDays) {
    const when = !exposure ? `Rotate within ${rotateDays} days` : exposure.overdueDays > 0 ? `Rotate it now (${exposure.overdueDays} days overdue)` : `Rotate it within ${rotateDays - exposure.days} more days`;
    parts.push(`${when}${revokeUrl ? ` (${revokeUrl})` : ""}`);
  } else if (revokeUrl) parts.push(`Revoke or roll it at ${revokeUrl}`);
  parts.push(plan.advice ?? DEFAULT_ADVICE);
  const line = `${capital(parts.join("; "))}.`;
  const lead = exposure ? `${capital(exposure.sentence)}. ${line}` : line;
  return plan.preface?.length ? `${plan.preface.join(" ")} ${lead}` : lead;
}

/** A plan from its parts (a rule's rotation window, revoke page and advice), without empty fields. */
export function remediationPlan(rotateDays: number | undefined, revokeUrl: string | undefined, advice: string | undefined): RemediationPlan {
  return { ...(rotateDays !== undefined && { rotateDays }), ...(revokeUrl !== undefined && { revokeUrl }), ...(advice !== undefined && { advice }) };
}

/** The plan of a finding: its own, or (a finding read back from a report) the one its fields imply. */
export function remediationPlanOf(f: Finding): RemediationPlan {
  return f.remediationPlan ?? { ...(f.rotateDays !== undefined && { rotateDays: f.rotateDays }), ...(f.revokeUrl !== undefined && { revokeUrl: f.revokeUrl }) };
}

/** A copy of `f` with a new plan (and other changes): the plan, its text and the rotation window change together. */
export function withRemediation(f: Finding, plan: RemediationPlan, changes: Partial<Finding> = {}): Finding {
  const window = plan.rotateDays !== undefined ? { rotateDays: plan.rotateDays } : {};
  const out = deriveFinding(f, { ...changes, ...window, remediationPlan: plan, remediation: renderRemediation(plan) });
  if (plan.rotateDays === undefined) delete out.rotateDays;
  return out;
}
