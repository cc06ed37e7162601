// Every reason a verification gives passes here before it is stored: the values the request
// carried are cut out wherever they appear (also in the forms a request encodes them in), then the
// general scrubber masks anything else a rule recognises as a credential.
import { scrubSecrets } from "../names/scrub.js";

const MASK = "[redacted]";

export function scrubReason(text: string, values: readonly string[]): string {
  // Reasons may quote a provider's error code: no control character may reach a report or a terminal.
  let out = text.replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]+/g, " ");
  const forms = values.filter((v) => v.length >= 4).flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString("base64")]);
  // Longest first, so a value containing another is cut out whole.
  for (const v of [...new Set(forms)].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
  // A provider may echo part of what it was sent; no fragment of eight characters or more survives.
  out = out.replace(/[A-Za-z0-9_\-+/=.:]{8,}/g, (t) => (values.some((v) => v.includes(t)) ? MASK : t));
  return scrubSecrets(out).slice(0, 300);
}
