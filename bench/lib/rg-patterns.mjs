// keyfence rules as ripgrep patterns, so ripgrep does the same matching work in the comparison.
// RE2 and Rust's regex share most syntax; the differences handled here:
//   - ripgrep joins every -f/-e pattern into one alternation, where a repeated group name is an
//     error, so named groups become non-capturing;
//   - a pattern ripgrep still rejects is left out, and listed with ripgrep's reason.
//   - RE2's \w, \s, \d and \b are ASCII; ripgrep's are Unicode unless it runs with --no-unicode,
//     which the benchmark passes (bench/run.mjs), so both engines match the same text.
// ripgrep searches line by line, so `\s` cannot cross a newline there (multi-line private key
// blocks match in keyfence but not in ripgrep); that only makes ripgrep's job lighter.
import { spawnSync } from "node:child_process";

export function toRipgrep(regex) {
  return regex.replace(/\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/g, "(?:");
}

/**
 * A rule written as an assignment (`names` + `value`, no regex; src/engine/assignment) as the regex a
 * peer would write for it: a name in any identifier spelling, an assignment operator, an optionally
 * quoted value. keyfence parses these instead of matching a regex; the pattern gives ripgrep
 * comparable work.
 */
export function assignmentToRipgrep({ names, value }) {
  const word = (w) => (w === "*" ? "[A-Za-z0-9_.-]{0,20}" : w.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"));
  const name = names.map((n) => n.split(" ").map(word).join("[_.\\- ]?")).join("|");
  // Bounded as peers bound theirs (gitleaks' generic rule: at most 20 identifier bytes after the name).
  return `(?i:(?:${name})[A-Za-z0-9_.-]{0,20})["']?[ \\t]{0,3}(?::=|=>|[:=])[ \\t]{0,3}["'\`]?(?:${toRipgrep(value)})`;
}

const patternOf = (rule) => (rule.regex ? toRipgrep(rule.regex) : assignmentToRipgrep(rule.assignment));

function rgError(rg, pattern) {
  const r = spawnSync(rg, ["--no-config", "-e", pattern, "--", "/dev/null"], { encoding: "utf8" });
  if (r.status === 2) return (r.stderr.trim().split("\n").pop() ?? "rejected").replace(/^error: /, "");
  return undefined;
}

/** `{ patterns, skipped }` for `rules`; each pattern is checked once by the ripgrep binary `rg`. */
export function ripgrepPatterns(rules, rg = "rg") {
  const all = rules.map((r) => ({ id: r.id, pattern: patternOf(r) }));
  // One check for the lot; pattern by pattern only when something is rejected.
  const together = spawnSync(rg, ["--no-config", ...all.flatMap((p) => ["-e", p.pattern]), "--", "/dev/null"], { encoding: "utf8" });
  if (together.status !== 2) return { patterns: all.map((p) => p.pattern), skipped: [] };
  const patterns = [];
  const skipped = [];
  for (const p of all) {
    const reason = rgError(rg, p.pattern);
    if (reason) skipped.push({ id: p.id, reason });
    else patterns.push(p.pattern);
  }
  return { patterns, skipped };
}

function escapeLiteral(text) {
  return text.replace(/[\\^$.*+?()[\]{}|#&~-]/g, "\\$&");
}

/**
 * Only the rules' keywords, as one alternation: the literal search that is keyfence's first stage
 * (its prefilter), so ripgrep's time for it is a floor for reading the tree and finding candidates.
 */
export function ripgrepKeywordPattern(rules) {
  const seen = new Set();
  const parts = [];
  for (const r of rules) {
    for (const k of r.keywords) {
      const p = r.keywordsCaseInsensitive ? `(?i:${escapeLiteral(k)})` : escapeLiteral(k);
      if (!seen.has(p)) parts.push(p);
      seen.add(p);
    }
  }
  return parts.join("|");
}
