// How every reporter names the parts of a multi-part credential (src/pairing): each part's role,
// where it is and its redacted form. Only the fields listed here are read, so no raw value (kept in
// the secret store, or a `secret` a --show-secrets JSON carried) can reach a report through them.
import type { Finding } from "../types.js";

/** What a report may show of a part. */
export interface PartView {
  role: string;
  ruleId: string;
  redacted: string;
  line: number;
  column: number;
}

/** The parts of a finding, reduced to what a report may show (undefined for a one-part finding). */
export function partViews(f: Pick<Finding, "parts">): PartView[] | undefined {
  return f.parts?.map((p) => ({ role: p.role, ruleId: p.ruleId, redacted: p.redacted, line: p.line, column: p.column }));
}

/** "secret ••••abcd (line 2:23)". */
export function partText(p: PartView): string {
  return `${p.role} ${p.redacted} (line ${p.line}:${p.column})`;
}

/** "Parts: key id AKIA••••WXYZ (line 1:19); secret ••••abcd (line 2:23)", or "" for a one-part finding. */
export function partsSentence(f: Pick<Finding, "parts">): string {
  const parts = partViews(f);
  return parts?.length ? `Parts: ${parts.map(partText).join("; ")}` : "";
}
