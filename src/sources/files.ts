// Files and folders: walk (.gitignore honoured, symlinks never followed), filter
// (include/exclude globs, size, binary), read (whole for small files, streamed for large ones).
import { open } from "node:fs/promises";
import { createReadStream, lstatSync, readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { picomatch } from "../deferred-imports.js";
import { ignoreLayerFor, isIgnored, type IgnoreLayer } from "./gitignore.js";
import { KeyfenceError } from "../errors.js";
import type { SourceNotice } from "./source.js";

export type { SourceNotice } from "./source.js";

export interface FileSourceOptions {
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** Only paths matching one of these globs (relative to the root) are scanned. */
  include?: readonly string[];
  /** Paths matching these globs are skipped. */
  exclude?: readonly string[];
  /** Files larger than this (bytes) are skipped with a notice. Default 50 MiB. */
  maxFileSize?: number;
}

export interface FileEntry {
  /** Absolute path on disk. */
  abs: string;
  /** Posix path relative to the scan root (what findings show). */
  rel: string;
  size: number;
  /**
   * What the walk noticed since the previous file (skips, unreadable folders), to be reported before
   * this file: so notices keep their place in walk order however far ahead the walk runs.
   */
  before?: SourceNotice[];
}

export type SkipReason = "binary" | "too-large" | "symlink" | "ignored";


export const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;

// Formats that cannot hold text credentials (PKCS#12 and keystores are handled by rules on their names).
const BINARY_EXTENSIONS = new Set(
  "png jpg jpeg gif bmp ico webp tiff psd mp3 mp4 mov avi mkv webm wav flac ogg zip gz tgz bz2 xz 7z rar jar war ear class so dll dylib exe bin o a lib woff woff2 ttf otf eot pdf doc docx xls xlsx ppt pptx sqlite db pyc wasm node".split(" "),
);

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

/**
 * Walks `root` (a folder) depth-first in byte order of names and yields the files to scan. Our own
 * small walker rather than a glob library: glob matchers drop legal names (a newline in a file
 * name), and only a walker can prune a folder that a nested .gitignore excludes.
 */
export function* walkFolder(root: string, options: FileSourceOptions, notices: SourceNotice[]): Generator<FileEntry> {
  const useGitignore = options.gitignore !== false;
  const include = options.include?.length ? picomatch([...options.include], { dot: true }) : undefined;
  const exclude = options.exclude?.length ? picomatch([...options.exclude], { dot: true }) : undefined;
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;

  function* walk(relDir: string, layers: readonly IgnoreLayer[]): Generator<FileEntry> {
    let names: Dirent[];
    try {
      // Synchronous, like the stat below: an awaited call per folder and per file was most of a walk's
      // time, and crawled while worker threads kept the cores busy; blocking here starves nobody.
      names = readdirSync(join(root, relDir), { withFileTypes: true });
    } catch (err) {
      notices.push({ path: relDir || ".", reason: `cannot read folder (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true });
      return;
    }
    sortByBytes(names);
    // Only folders that have a .gitignore (and the root, for .git/info/exclude) are read for one.
    const own = useGitignore && (relDir === "" || names.some((d) => d.name === ".gitignore")) ? ignoreLayerFor(root, relDir, relDir === "") : undefined;
    const active = own ? [...layers, own] : layers;
    for (const d of names) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      // A .git folder, or the .git file of a worktree or submodule, is never scanned.
      if (d.name === ".git") continue;
      if (d.isDirectory()) {
        if (isIgnored(active, rel, true) || exclude?.(rel) || exclude?.(`${rel}/`)) continue;
        yield* walk(rel, active);
        continue;
      }
      if (isIgnored(active, rel, false)) continue;
      if (include && !include(rel)) continue;
      if (exclude?.(rel)) continue;
      if (d.isSymbolicLink()) {
        // Links are never followed: a link inside the tree points at a file scanned under its own
        // name; a link out of the tree or in a loop is not ours to read.
        notices.push({ path: rel, reason: "symbolic link not followed", incomplete: false });
        continue;
      }
      if (!d.isFile()) continue;
      const dot = d.name.lastIndexOf(".");
      if (dot >= 0 && BINARY_EXTENSIONS.has(d.name.slice(dot + 1).toLowerCase())) continue;
      const abs = join(root, rel);
      let size: number;
      try {
        size = statSync(abs).size;
      } catch (err) {
        notices.push({ path: rel, reason: `cannot stat (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true });
        continue;
      }
      if (size > maxSize) {
        notices.push({ path: rel, reason: `skipped: ${size} bytes is over the maximum file size of ${maxSize}`, incomplete: false });
        continue;
      }
      yield { abs, rel, size };
    }
  }
  yield* walk("", []);
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
export function* walkPaths(paths: readonly string[], cwd: string, options: FileSourceOptions, notices: SourceNotice[]): Generator<FileEntry> {
  // Notices gathered before a file travel with it; those after the last file stay in `notices`.
  for (const e of walkPathsOnly(paths, cwd, options, notices)) yield notices.length ? { ...e, before: notices.splice(0) } : e;
}

function* walkPathsOnly(paths: readonly string[], cwd: string, options: FileSourceOptions, notices: SourceNotice[]): Generator<FileEntry> {
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
      for (const e of walkFolder(abs, options, notices)) yield inside ? (under ? { ...e, rel: `${under}/${e.rel}` } : e) : { ...e, rel: toPosix(e.abs) };
    } else if (st.isFile() || st.isSymbolicLink()) {
      // A file named explicitly is scanned even if ignored: the user asked for it.
      const real = st.isSymbolicLink() ? statOrUndefined(abs) : st;
      if (!real?.isFile()) {
        notices.push({ path: p, reason: "not a regular file", incomplete: false });
        continue;
      }
      yield { abs, rel: displayPath(cwd, abs), size: real.size };
    } else {
      notices.push({ path: p, reason: "not a regular file", incomplete: false });
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

/** Files at or under this size are read whole (one buffer, no chunk bookkeeping). */
export const WHOLE_READ_LIMIT = 8 * 1024 * 1024;

const SNIFF = 8192;

export type FileContent =
  | { kind: "buffer"; data: Buffer }
  | { kind: "stream"; head: Buffer; rest: AsyncIterable<Buffer> }
  | { kind: "binary" };

/**
 * Text decoding rules: UTF-16 with a BOM is converted to UTF-8 (so it is scanned, not skipped);
 * a NUL byte in the first 8 KiB otherwise marks the file as binary.
 */
export function classify(head: Buffer): "utf8" | "utf16le" | "utf16be" | "binary" {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return "utf16le";
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return "utf16be";
  const n = Math.min(head.length, SNIFF);
  return head.subarray(0, n).includes(0) ? "binary" : "utf8";
}

export function decodeUtf16(data: Buffer, kind: "utf16le" | "utf16be"): Buffer {
  const body = data.subarray(2);
  const text = kind === "utf16le" ? body.toString("utf16le") : Buffer.from(body).swap16().toString("utf16le");
  return Buffer.from(text, "utf8");
}

/** A file read whole, as the engine should see it: binary, UTF-16 decoded to UTF-8, or as is. */
export function wholeFileContent(data: Buffer): Exclude<FileContent, { kind: "stream" }> {
  const kind = classify(data);
  if (kind === "binary") return { kind: "binary" };
  if (kind !== "utf8") return { kind: "buffer", data: decodeUtf16(data.length % 2 ? data.subarray(0, -1) : data, kind) };
  return { kind: "buffer", data };
}

/** Opens a file for scanning: small files whole, large ones as a stream of 1 MiB chunks. */
export async function readForScan(entry: FileEntry): Promise<FileContent> {
  if (entry.size <= WHOLE_READ_LIMIT) {
    const fh = await open(entry.abs, "r");
    let data: Buffer;
    try {
      data = await fh.readFile();
    } finally {
      await fh.close();
    }
    return wholeFileContent(data);
  }
  const stream = createReadStream(entry.abs, { highWaterMark: 1024 * 1024 });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  const kind = classify(head);
  if (kind === "binary") {
    stream.destroy();
    return { kind: "binary" };
  }
  if (kind !== "utf8") {
    // Large UTF-16 files are rare; decode them whole rather than track surrogate pairs across chunks.
    const parts = [head];
    for (let r = await it.next(); !r.done; r = await it.next()) parts.push(r.value);
    const all = Buffer.concat(parts);
    return { kind: "buffer", data: decodeUtf16(all.length % 2 ? all.subarray(0, -1) : all, kind) };
  }
  return {
    kind: "stream",
    head,
    rest: {
      [Symbol.asyncIterator]: () => it,
    },
  };
}
