// Names (paths, refs, authors, messages) are untrusted input. A control character in one — ESC, CR,
// BEL, a newline, a C1 control, a bidirectional override — could erase or overwrite a report line on
// a terminal or in a CI log, forge a line of its own, or make a name read differently than it is.
// Each is shown as a visible escape instead; nothing else changes, so an ordinary name reads as is.

// C0 controls and DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates,
// and zero-width characters that hide text.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}

/** `text` with every control, separator and bidi character written as a visible escape. */
export function escapeControls(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/** Whether `text` holds a character escapeControls would rewrite. */
export function hasControls(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}
