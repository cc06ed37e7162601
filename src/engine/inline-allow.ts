// Inline allows: a `keyfence:allow` comment on the secret's line, or alone on the line before it,
// suppresses the finding — optionally only for named rules, optionally with a reason:
//
//   STRIPE_KEY=sk_live_…   # keyfence:allow stripe-secret-key-live -- test fixture
//   // keyfence:allow -- documented example
//   const key = "…";
//
// The decision looks only at bytes within a fixed distance of the secret, so that a streaming
// session can keep exactly those bytes and decide the same way for any chunking of the input.

/** Bytes before a secret's start that may hold its line's beginning and the line before. */
export const INLINE_LOOKBACK = 4096;
/** Bytes after a secret's end that may hold the rest of its line. */
export const INLINE_LOOKAHEAD = 4096;

const MARKER = "keyfence:allow";
const NL = 0x0a;
// After the marker: nothing, a reason after `--`, or a comma-separated list of rule ids.
const DIRECTIVE = /keyfence:allow(?![\w:-])(?:[ \t]+([A-Za-z0-9][\w.-]*(?:[ \t]*,[ \t]*[A-Za-z0-9][\w.-]*)*))?/g;
// A line before the secret counts only when it is a comment and nothing else, so code on the
// previous line (`a = x  # keyfence:allow`) never silences the next line's secret too.
const COMMENT_ONLY_PREFIX = /^[\s#/*;'"!<%-]*(?:REM\s+)?$/i;

export interface InlineAllow {
  /** Rule ids the directive names; empty means every rule. */
  rules: string[];
}

/** Directives in one line of text, each with the text that precedes it on the line. */
function directivesIn(line: string): { prefix: string; allow: InlineAllow }[] {
  const out: { prefix: string; allow: InlineAllow }[] = [];
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(line); m; m = DIRECTIVE.exec(line)) {
    const rules = m[1] ? m[1].split(",").map((s) => s.trim()) : [];
    out.push({ prefix: line.slice(0, m.index), allow: { rules } });
  }
  return out;
}

function covers(allow: InlineAllow, ruleId: string): boolean {
  return allow.rules.length === 0 || allow.rules.includes(ruleId);
}

/**
 * Whether a directive allows `ruleId` for the secret at view[start, stop). `view` holds the bytes
 * from INLINE_LOOKBACK before the secret (or the input's start) to INLINE_LOOKAHEAD after it (or
 * the input's end); lines longer than that are cut at the view's edges.
 */
export function inlineAllowed(view: Buffer, start: number, stop: number, ruleId: string): boolean {
  // Nearly every finding has no marker nearby: one search and done.
  if (view.indexOf(MARKER) === -1) return false;
  const lineStart = start === 0 ? 0 : view.lastIndexOf(NL, start - 1) + 1;
  const nl = view.indexOf(NL, stop);
  const lineEnd = nl === -1 ? view.length : nl;
  // The secret's own line(s): a directive anywhere on them counts.
  const own = view.toString("utf8", lineStart, lineEnd);
  if (directivesIn(own).some((d) => covers(d.allow, ruleId))) return true;
  if (lineStart === 0) return false;
  const prevStart = lineStart < 2 ? 0 : view.lastIndexOf(NL, lineStart - 2) + 1;
  const prev = view.toString("utf8", prevStart, lineStart - 1).replace(/\r$/, "");
  return directivesIn(prev).some((d) => COMMENT_ONLY_PREFIX.test(d.prefix) && covers(d.allow, ruleId));
}
