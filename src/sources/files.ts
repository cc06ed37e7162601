// Files and folders as a source: walk (inside a git work tree, what git ignores is skipped; symlinks never followed, special files
// never opened, names that are not UTF-8 opened by their bytes), filter (the run's scope: globs),
// read (whole for small files, streamed for large ones, by the thread that scans them; the text
// module says how the bytes are read, src/text).
import { open } from "node:fs/promises";
import { createReadStream, lstatSync, readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { gitIgnoredUnder } from "./gitignore.js";
import { KeyfenceError } from "../errors.js";
import type { Scope, Source, SourceItem, SourceNotice } from "./source.js";
import { displayName, isValidUtf8, startsAsText, textForScan, textStream } from "../text/index.js";
import { formatByMagic, formatWithoutReader, MAGIC_BYTES } from "./archive/format.js";

export type { SourceNotice } from "./source.js";

export interface FileEntry {
  /** Absolute path on disk (its bytes when a name in it is not valid UTF-8). */
  abs: string | Buffer;
  /** Posix path relative to the scan root (what findings show). */
  rel: string;
  /** Known for named files; a walk leaves it to the reader (see UnitContent). */
  size?: number;
  /**
   * What the walk noticed since the previous file (skips, unreadable folders), to be reported before
   * this file: so notices keep their place in walk order however far ahead the walk runs.
   */
  before?: SourceNotice[];
  /** Named on the command line (not found by a walk): scanned whatever the globs and ignore files say. */
  named?: boolean;
  /** A named pipe or socket given as an argument: read as a stream, its size unknown. */
  pipe?: true;
  /** The pipe is one of this process's own descriptors (/dev/stdin, /dev/fd/N): read from it directly. */
  fd?: number;
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/** Folder entries in byte order of their UTF-8 names (JS string order differs only around astral characters). */
function sortByBytes(names: Dirent[]): Dirent[] {
  if (names.some((d) => /[\uD800-\uDFFF]/.test(d.name))) {
    const keyed = names.map((d) => ({ d, key: Buffer.from(d.name) }));
    return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map((k) => k.d);
  }
  return names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

interface FolderEntry {
  /** The name as shown (bytes that are not UTF-8 escaped as \\xNN). */
  name: string;
  d: Dirent | Dirent<Buffer>;
  /** The entry's path on disk under its folder's: by its bytes when its name is not valid UTF-8. */
  abs: (dir: string | Buffer) => string | Buffer;
}

/**
 * A folder's entries in byte order of their names. A name that is not valid UTF-8 comes back from
 * a string listing with U+FFFD in it and could not be opened: such folders are listed again as bytes.
 */
function readFolder(dir: string | Buffer): FolderEntry[] {
  const names = readdirSync(dir, { withFileTypes: true });
  if (!names.some((d) => d.name.includes("\uFFFD"))) {
    return sortByBytes(names).map((d) => ({ name: d.name, d, abs: (parent) => childPath(parent, d.name) }));
  }
  const raw = readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
  raw.sort((a, b) => Buffer.compare(a.name, b.name));
  return raw.map((d) => {
    const bytes = d.name;
    const valid = isValidUtf8(bytes);
    return { name: valid ? bytes.toString("utf8") : displayName(bytes), d, abs: (parent) => childPath(parent, valid ? bytes.toString("utf8") : bytes) };
  });
}

function childPath(parent: string | Buffer, name: string | Buffer): string | Buffer {
  // The parent is already normalised (resolve() made the root) and an entry's name holds no
  // separator and is never "." or "..": joining needs no normalising pass over the whole path,
  // which path.join made for every file of a walk.
  if (typeof parent === "string" && typeof name === "string") return parent.endsWith(sep) ? parent + name : parent + sep + name;
  return Buffer.concat([Buffer.from(parent), Buffer.from(sep), Buffer.from(name)]);
}

function specialKind(d: Dirent | Dirent<Buffer>): string {
  if (d.isFIFO()) return "named pipe";
  if (d.isSocket()) return "socket";
  if (d.isCharacterDevice() || d.isBlockDevice()) return "device";
  return "special file";
}

/**
 * Walks `root` (a folder) depth-first in byte order of names and yields the files to scan. Our own
 * small walker rather than a glob library: glob matchers drop legal names (a newline in a file
 * name), and only a walker can prune a folder that git ignores or the scope excludes.
 */
export function* walkFolder(root: string, scope: Scope, notices: SourceNotice[], tally?: WalkTally): Generator<FileEntry> {
  // Inside a git work tree, what git ignores (untracked and matched by its ignore rules) is skipped.
  const ignored = scope.ignoreFiles ? gitIgnoredUnder(root)?.paths : undefined;

  function* walk(relDir: string, absDir: string | Buffer): Generator<FileEntry> {
    let names: FolderEntry[];
    try {
      // Synchronous, like the stat below: an awaited call per folder and per file was most of a walk's
      // time, and crawled while worker threads kept the cores busy; blocking here starves nobody.
      names = readFolder(absDir);
    } catch (err) {
      notices.push({ path: relDir || ".", reason: `cannot read folder (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true });
      return;
    }
    for (const { name, d, abs } of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      // A .git folder, or the .git file of a worktree or submodule, is never scanned.
      if (name === ".git") continue;
      if (d.isDirectory()) {
        if (ignored?.has(`${rel}/`)) {
          if (tally) tally.ignored++;
          continue;
        }
        if (scope.excludesFolder(rel)) continue;
        yield* walk(rel, abs(absDir));
        continue;
      }
      if (ignored?.has(rel)) {
        if (tally) tally.ignored++;
        continue;
      }
      if (!scope.includes(rel)) continue;
      if (d.isSymbolicLink()) {
        // Links are never followed: a link inside the tree points at a file scanned under its own
        // name; a link out of the tree or in a loop is not ours to read.
        notices.push({ path: rel, reason: "symbolic link not followed", incomplete: false });
        continue;
      }
      if (!d.isFile()) {
        // Never opened: a named pipe would block the walk until someone writes to it.
        notices.push({ path: rel, reason: `${specialKind(d)} not read (special files are never opened during a walk)`, incomplete: false });
        continue;
      }
      // Not stat()ed: the reader learns the size from the read (over the size limit a file is still
      // a unit, streamed if it is text).
      yield { abs: abs(absDir), rel };
    }
  }
  yield* walk("", root);
}

/**
 * The descriptor that /dev/stdin, /dev/fd/N or /proc/self/fd/N names. Such a path cannot always be
 * opened (a socket as standard input gives ENXIO), but the descriptor itself is ours to read.
 */
function ownDescriptor(abs: string): number | undefined {
  if (abs === "/dev/stdin") return 0;
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(abs);
  return m ? Number(m[1]) : undefined;
}

function pipeChunks(e: FileEntry): AsyncIterable<Buffer> {
  const options = { highWaterMark: 1024 * 1024 };
  return e.fd !== undefined ? createReadStream("", { ...options, fd: e.fd, autoClose: false }) : createReadStream(e.abs, options);
}

/** What a link points at, or undefined when that cannot be read (dangling, a loop, no permission). */
function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch {
    return undefined;
  }
}

/** Posix path relative to `cwd`, or the absolute path when the file lies outside it. */
export function displayPath(cwd: string, abs: string): string {
  const rel = toPosix(relative(cwd, abs));
  return rel && !rel.startsWith("../") && rel !== ".." ? rel : toPosix(abs);
}

/** Resolves command-line paths (files or folders) into file entries relative to `cwd`. */
export function* walkPaths(paths: readonly string[], cwd: string, options: Scope, notices: SourceNotice[], tally?: WalkTally): Generator<FileEntry> {
  // Notices gathered before a file travel with it; those after the last file stay in `notices`.
  for (const e of walkPathsOnly(paths, cwd, options, notices, tally)) yield notices.length ? { ...e, before: notices.splice(0) } : e;
}

function* walkPathsOnly(paths: readonly string[], cwd: string, options: Scope, notices: SourceNotice[], tally?: WalkTally): Generator<FileEntry> {
  // Synchronous throughout: the scan pulls files in batches between its own awaits, and an awaited
  // call (or generator hop) per file was a large share of a scan of many small files.
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = lstatSync(abs);
    } catch (err) {
      // Like ripgrep: a path that cannot be read is reported and the others are still scanned; the
      // notice makes the scan incomplete, so nothing is approved by omission. (The CLI checks the
      // paths it is given before it starts: there a missing one is a usage error.)
      const code = (err as NodeJS.ErrnoException).code;
      notices.push({ path: p, reason: code === "ENOENT" ? "no such file or directory" : `cannot read (${code ?? "error"})`, incomplete: true });
      continue;
    }
    if (st.isDirectory()) {
      // Paths under the folder are shown as the folder's own displayed path joined with theirs.
      const under = toPosix(relative(cwd, abs));
      const inside = !isAbsolute(under) && under !== ".." && !under.startsWith("../");
      for (const e of walkFolder(abs, options, notices, tally)) yield inside ? (under ? { ...e, rel: `${under}/${e.rel}` } : e) : { ...e, rel: `${toPosix(abs)}/${e.rel}` };
    } else {
      // A file named explicitly is scanned even if ignored, and whatever its size: the user asked for it.
      const real = st.isSymbolicLink() ? statOrUndefined(abs) : st;
      if (real?.isFile()) {
        yield { abs, rel: displayPath(cwd, abs), size: real.size, named: true };
      } else if (real?.isFIFO() || real?.isSocket()) {
        // A named pipe, /dev/stdin or a process substitution (<(…)): read as a stream to its end.
        const fd = ownDescriptor(abs);
        yield { abs, rel: p, size: 0, named: true, pipe: true, ...(fd !== undefined && { fd }) };
      } else {
        notices.push({ path: p, reason: real ? "not scanned: not a regular file or a pipe" : "not scanned: the link's target cannot be read", incomplete: true });
      }
    }
  }
}

/** Throws the one-line error a command line deserves when a named path does not exist or cannot be read. */
export function checkPathsExist(paths: readonly string[], cwd: string): void {
  for (const p of paths) {
    try {
      lstatSync(resolve(cwd, p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new KeyfenceError(code === "ENOENT" ? "no such file or directory" : `cannot read (${code ?? "error"})`, { file: p });
    }
  }
}

/** What a walk skipped without a notice each, for the summary. */
export interface WalkTally {
  /** Untracked files and folders skipped because git ignores them (inside a work tree only). */
  ignored: number;
}

/** Command-line paths (files and folders, relative to `cwd`) as a source: a file unit per file, in walk order. */
export function fileSource(paths: readonly string[], cwd: string): Source & { readonly tally: WalkTally } {
  const tally: WalkTally = { ignored: 0 };
  return {
    name: "files",
    tally,
    *items(scope: Scope): Generator<SourceItem> {
      const notices: SourceNotice[] = [];
      for (const e of walkPaths(paths, cwd, scope, notices, tally)) {
        if (e.before) for (const notice of e.before) yield { notice };
        const content = e.pipe ? { kind: "stream" as const, chunks: pipeChunks(e) } : { kind: "file" as const, abs: e.abs, ...(e.size !== undefined && { size: e.size }) };
        yield { target: { path: e.rel }, content, ...(e.named && { named: true }) };
      }
      for (const notice of notices) yield { notice };
    },
  };
}

/** Files at or under this size are read whole (one buffer, no chunk bookkeeping). */
export const WHOLE_READ_LIMIT = 8 * 1024 * 1024;

export type FileContent =
  /** `partly`: why the bytes scanned are not all there is (compressed content without a reader). */
  | { kind: "buffer"; data: Buffer; partly?: string }
  | { kind: "stream"; chunks: AsyncIterable<Buffer>; partly?: string }
  | { kind: "not-scanned"; reason: string }
  /** An archive by its magic bytes (a renamed zip, a layer blob): opened by the archive reader; `data` when read whole. */
  | { kind: "archive"; data?: Buffer };

/** Why a unit over the size limit was not scanned (binary from its first bytes). */
export function overLimitReason(size: number | undefined, limit: number): string {
  return `not scanned: binary ${size ? `file of ${size} bytes` : "input"} is over the maximum file size of ${limit} (exclude it, or raise --max-file-size)`;
}

function withoutReader(head: Buffer): string | undefined {
  const name = formatWithoutReader(head.subarray(0, MAGIC_BYTES));
  return name && `not fully scanned: ${name} compressed content cannot be read (no ${name} reader); only its printable bytes were scanned`;
}

/** A file read whole, as the engine should see it (src/text: UTF-16 decoded, binary as printable runs). */
export function wholeFileContent(data: Buffer, overLimit?: number): Exclude<FileContent, { kind: "stream" }> {
  // A copy: the bytes may sit in a buffer the reader reuses for the next file.
  if (formatByMagic(data.subarray(0, MAGIC_BYTES))) return { kind: "archive", data: Buffer.from(data) };
  if (overLimit !== undefined && !startsAsText(data)) return { kind: "not-scanned", reason: overLimitReason(data.length, overLimit) };
  const partly = withoutReader(data);
  return { kind: "buffer", data: textForScan(data).data, ...(partly && { partly }) };
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/**
 * Opens a file for scanning: small files whole, large ones as a stream of 1 MiB chunks decoded as
 * they are read. A file over the size limit (`overLimit`) is streamed to its end if it starts as
 * text (a dump's header before binary data counts), since a size limit must never be the reason a
 * secret passes; one binary from its first bytes is not scanned, and says so.
 */
export async function readForScan(entry: { abs: string | Buffer; size: number; overLimit?: number }): Promise<FileContent> {
  if (entry.size <= WHOLE_READ_LIMIT) {
    const fh = await open(entry.abs, "r");
    let data: Buffer;
    try {
      data = await fh.readFile();
    } finally {
      await fh.close();
    }
    return wholeFileContent(data, entry.overLimit);
  }
  // A path from a worker thread may arrive as a Uint8Array (structured clone of a Buffer).
  const stream = createReadStream(typeof entry.abs === "string" ? entry.abs : Buffer.from(entry.abs), { highWaterMark: 1024 * 1024 });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The first chunk is read here, so that a file that cannot be opened fails as a read, not mid-scan.
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  if (formatByMagic(head.subarray(0, MAGIC_BYTES))) {
    stream.destroy();
    return { kind: "archive" };
  }
  if (entry.overLimit !== undefined && !startsAsText(head)) {
    stream.destroy();
    return { kind: "not-scanned", reason: overLimitReason(entry.size, entry.overLimit) };
  }
  const partly = withoutReader(head);
  return { kind: "stream", chunks: textStream(prepend(head, it)), ...(partly && { partly }) };
}
