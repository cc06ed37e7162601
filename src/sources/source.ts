// The source seam: what every source of bytes (folders, stdin, the index, commit ranges, history,
// archives, notebooks, image layers) hands to the one orchestrator (src/orchestrator/). A source
// yields scan units and notices, in the order their findings should be reported, and knows nothing
// of rules, policy or output: the orchestrator applies configuration (include/exclude, size limits,
// allowlists), feeds the worker pool, maps lines, dedupes and applies policy, the same for every one.
//
// Writing a source (see src/sources/files.ts and src/sources/git/ for the built-in ones):
//   - implement `Source`: `items(scope)` yields `ScanUnit`s and `{ notice }`s;
//   - put bytes in `content` (`bytes` for what is already in memory: a blob, an archive entry; `file`
//     for a file on disk, which the scanning thread reads itself; `stream` for input of unknown length,
//     scanned on the calling thread);
//   - leave text decoding to the scanner (`encoding: "detect"`, the default): binary input is skipped
//     with a notice, BOMs and UTF-16 are converted; say `"utf8"` only for text that is UTF-8 already;
//   - name the unit in `target` (`path` as the user should read it, e.g. `bundle.zip!config/app.env`;
//     `commit`/`author`/`date`, `blob` and `layer` where there is one);
//   - if the unit's text is not the user's file line for line (added lines of a patch), give `lines`;
//     if only some lines are the change under review, give `counts`;
//   - consult `scope` to skip work early (a folder excluded by the configuration, a blob over the size
//     limit): the orchestrator checks every unit against the scope anyway;
//   - anything not fully read is a notice with `incomplete: true` (the scan then exits 2);
//   - a format found inside other input (an archive, a notebook, an image tarball) is a `UnitOpener`:
//     register it in src/sources/openers.ts and every source gets it (a zip in a folder, in a commit,
//     in another zip), through the worker pool, with no change to the engine, policy or reporters.
import type { ScanTarget, SourceNotice } from "../types.js";

export type { SourceNotice } from "../types.js";

/** How a unit is named in findings. */
export interface UnitTarget extends ScanTarget {
  /** What the user reads: a path relative to the scan root (`/`-separated), `-` for stdin, `outer!inner` inside an archive. */
  path: string;
  /** Git object id of the content, when it is a blob. */
  blob?: string;
  /** Digest of the container image layer the content came from. */
  layer?: string;
}

/** Where a unit's bytes are. */
export type UnitContent =
  /** In memory: a blob, an archive entry, the added lines of a patch. Carried to a worker as bytes. */
  | { kind: "bytes"; data: Buffer }
  /**
   * A file on disk: the scanning thread reads it (whole, or streamed when large). `size` is what was
   * seen when it was listed; a folder walk leaves it out (a stat() per file was a tenth of a tree
   * scan), and the reader learns it from the read itself.
   */
  | { kind: "file"; abs: string | Buffer; size?: number }
  /** Input of unknown length (stdin, a large archive entry): scanned as it arrives, on the calling thread. */
  | { kind: "stream"; chunks: AsyncIterable<Buffer> };

/** Line `n` of a unit's text is line `toUser(n)` of what the user sees (e.g. added lines → new file). */
export interface LineMapping {
  toUser(line: number): number;
}

/** 1-based, inclusive line ranges in the user's lines, ascending. */
export type LineRanges = readonly (readonly [number, number])[];

export interface ScanUnit {
  target: UnitTarget;
  content: UnitContent;
  /**
   * How the bytes become the text the engine sees: `detect` (default) runs them through the text
   * rules (binary skipped with a notice, BOMs and UTF-16 converted to UTF-8); `utf8` scans them as
   * they are (text the source already decoded, added lines whose binary check the source did).
   */
  encoding?: "detect" | "utf8";
  /** Maps the unit's line numbers to the user's; default: the same lines. */
  lines?: LineMapping;
  /** Only findings touching one of these lines are reported (staged: the lines the commit adds); default: all. */
  counts?: LineRanges;
  /**
   * The user named this input itself (a file on the command line, stdin): include/exclude globs and
   * the size limit do not apply to it, as ripgrep searches a file it is given whatever its globs say.
   */
  named?: boolean;
  /**
   * The unit is over the size limit (this many bytes): it is scanned only if it starts as text
   * (src/text startsAsText) — streamed to its end, since a size limit must never let a secret pass —
   * and otherwise reported as not scanned (incomplete). Set by the orchestrator for units of known
   * size, by a source for what it streams.
   */
  overLimit?: number;
}

/** One thing a source yields: a unit to scan, or a notice (reported in its place among the units' findings). */
export type SourceItem = ScanUnit | { notice: SourceNotice };

/** The configuration's reach, built once by the orchestrator and given to every source. */
export interface Scope {
  /** Whether a unit at this path is scanned (include/exclude globs). */
  includes(path: string): boolean;
  /** Whether a folder can be skipped whole (an exclude glob matches it). */
  excludesFolder(path: string): boolean;
  /** Whether ignore files (.gitignore) are honoured where the source has them. */
  ignoreFiles: boolean;
  /** Units larger than this many bytes are skipped with a notice. */
  maxSize: number;
  /** The notice for a unit skipped for its size (the same words from every source). */
  oversize(path: string, size: number): SourceNotice;
}

export interface Source {
  /** What the source reads, for messages ("files", "staged", "commits", "history", "archive"). */
  readonly name: string;
  /**
   * The units and notices, in report order. A synchronous iterable is pulled without a promise per
   * unit (a folder walk of many small files); git pipes and archives are asynchronous.
   */
  items(scope: Scope): Iterable<SourceItem> | AsyncIterable<SourceItem>;
}

export function isNotice(item: SourceItem): item is { notice: SourceNotice } {
  return "notice" in item;
}

/** The size of a unit's content when it is known before reading (streams, walked files: unknown, 0). */
export function unitSize(unit: ScanUnit): number {
  const c = unit.content;
  return c.kind === "bytes" ? c.data.length : c.kind === "file" ? (c.size ?? 0) : 0;
}

/**
 * A format that opens one unit into units of its own: an archive's entries, a notebook's cells, an
 * image's layers. The orchestrator offers it every unit it claims, from any source, and scans what
 * `open` yields in the unit's place (nested formats are opened again, `depth` counting the levels).
 */
export interface UnitOpener {
  readonly name: string;
  /** Whether this format reads the unit (a cheap test on `unit.target.path`: it runs for every unit). */
  claims(unit: ScanUnit): boolean;
  /**
   * The unit's own units and notices. Their `target.path` names the inner entry as the user should
   * read it (`bundle.zip!config/app.env`); the outer unit's commit, author and date carry over.
   */
  open(unit: ScanUnit, scope: Scope, depth: number): Iterable<SourceItem> | AsyncIterable<SourceItem>;
}
