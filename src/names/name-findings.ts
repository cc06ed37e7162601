// Names are scanned like content: a token used as a file name, pasted into a commit message, or set
// as an author e-mail is a finding. All names of a run are joined into one buffer and scanned once
// (a pass over a few hundred kilobytes even for a large tree), then each finding is moved to the
// name it lies in, with that name's file or commit as its location, and judged by policy again there
// (so a path allowlist applies to the real path).
import type { Scanner } from "../scanner.js";
import type { Finding } from "../types.js";
import type { SourceNotice } from "../sources/source.js";
import type { Name } from "../sources/git/names.js";
import { deriveFinding } from "../finding/secret-store.js";
import { fingerprintOf } from "../finding/fingerprint.js";

export type { Name, NameKind } from "../sources/git/names.js";

const SEPARATOR = "\n\n";
/** Where the joined names are scanned; policy sees this path first, then each name's own. */
const NAMES_PATH = "(names)";

/** A set of names, each kept once per kind and location. */
export class NameSet {
  private readonly seen = new Set<string>();
  readonly names: Name[] = [];

  add(name: Name): void {
    if (!name.value) return;
    const key = `${name.kind}\0${name.target.path}\0${name.target.commit ?? ""}\0${name.value}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.names.push(name);
  }

  addAll(names: Iterable<Name>): void {
    for (const n of names) this.add(n);
  }
}

/** 1-based line and column of `offset` within `text`. */
function position(text: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf(10); i !== -1 && i < offset; i = text.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: text.toString("utf8", lineStart, offset).length + 1 };
}

/** Where each name starts in the names joined with SEPARATOR after each. */
function startOffsets(names: readonly Name[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const n of names) {
    out.push(at);
    at += Buffer.byteLength(n.value) + SEPARATOR.length;
  }
  return out;
}

/** Findings in the names themselves, located at each name's file or commit. */
export function findingsInNames(scanner: Scanner, names: readonly Name[]): Finding[] {
  if (names.length === 0) return [];
  // One string encoded once (a Buffer per name was most of the cost for a tree's paths); where each
  // name starts is worked out only when there is a finding to place.
  const joined = Buffer.from(names.map((n) => n.value).join(SEPARATOR) + SEPARATOR);
  let starts: number[] | undefined;
  const out: Finding[] = [];
  for (const f of scanner.scanBuffer(joined, { path: NAMES_PATH })) {
    // Control findings about where a credential sits (environment separation) follow from the
    // re-located finding below, not from the placeholder path.
    if (f.path !== NAMES_PATH || f.kind === "environment-separation") continue;
    starts ??= startOffsets(names);
    let i = starts.length - 1;
    for (let lo = 0, hi = starts.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= f.offset) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const name = names[i]!;
    const value = joined.subarray(starts[i]!, starts[i]! + Buffer.byteLength(name.value));
    const begin = position(value, f.offset - starts[i]!);
    const end = position(value, Math.min(f.endOffset - starts[i]!, value.length));
    const t = name.target;
    const located = deriveFinding(f, {
      path: t.path,
      ...(t.commit !== undefined && { commit: t.commit }),
      ...(t.author !== undefined && { author: t.author }),
      ...(t.date !== undefined && { date: t.date }),
      line: begin.line,
      column: begin.column,
      endLine: end.line,
      endColumn: end.column,
      offset: f.offset - starts[i]!,
      endOffset: f.endOffset - starts[i]!,
      message: `${f.message} in a ${name.kind}`,
      fingerprint: fingerprintOf(f.ruleId, `${t.path}\0${name.kind}`, f.secretDigest),
      tags: [...f.tags, `in-${name.kind.replace(/ /g, "-")}`],
    });
    out.push(...scanner.policy.apply(located));
  }
  return out;
}

/** Findings in the names a source read, and in the paths and authors of its findings and notices. */
export function findingsInRunNames(scanner: Scanner, read: readonly Name[], findings: readonly Finding[], notices: readonly SourceNotice[]): Finding[] {
  const names = new NameSet();
  names.addAll(read);
  for (const f of findings) {
    if (f.path !== "-") names.add({ kind: "file name", value: f.path, target: { path: f.path } });
    if (f.author) names.add({ kind: "author", value: f.author, target: { path: "-", ...(f.commit && { commit: f.commit }), author: f.author } });
  }
  for (const n of notices) if (n.path) names.add({ kind: "file name", value: n.path, target: { path: n.path } });
  return findingsInNames(scanner, names.names);
}
