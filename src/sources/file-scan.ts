// One file's content through the engine, the same on the main thread and in a pool worker: findings
// in offset order, and a notice when the file was skipped or could not be read to the end.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { ScanTimeout } from "../engine/session.js";
import { readForScan, wholeFileContent, WHOLE_READ_LIMIT, type FileContent, type FileEntry } from "./files.js";
import type { Finding } from "../types.js";
import { DEFAULT_MAX_FILE_SIZE } from "./files.js";
import { scanOpenedUnit, sizeScope } from "./opened-units.js";
import { openerFor } from "./openers.js";
import type { ScanUnit } from "./source.js";

/** Why a file was not scanned, or not completely; the caller adds the file's path unless it names an entry inside it. */
export interface FileNotice {
  reason: string;
  incomplete: boolean;
  path?: string;
}

export type FileScanEvent = { finding: Finding } | { notice: FileNotice };

/**
 * Reads files for scanning, one at a time. Small files are read synchronously into one buffer that
 * is reused: a scan has nothing else to do meanwhile, and the four promise round trips of an
 * asynchronous read (open, stat, read, close), or a fresh allocation per file, were most of the time
 * of a scan of many small files. A content read here is valid until the next read.
 */
const REUSED_BUFFER_LIMIT = 1024 * 1024;

export class EntryReader {
  private buf = Buffer.allocUnsafe(64 * 1024);

  async read(entry: FileEntry): Promise<FileContent | Error> {
    try {
      return entry.size <= WHOLE_READ_LIMIT && !entry.overLimit && !entry.pipe ? wholeFileContent(this.readSmall(entry)) : await readForScan(entry);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** A file read whole, without a promise per file (most files of a walk), or undefined if it is streamed. */
  readWhole(entry: FileEntry): Exclude<FileContent, { kind: "stream" }> | Error | undefined {
    if (entry.size > WHOLE_READ_LIMIT || entry.overLimit || entry.pipe) return undefined;
    try {
      return wholeFileContent(this.readSmall(entry));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private readSmall(entry: FileEntry): Buffer {
    // One byte more than the walk saw: a short read is the end of the file, a full one means it grew.
    const want = entry.size + 1;
    // The few files above this get a buffer of their own: a reused one would keep its largest size
    // in every thread for the rest of the scan.
    if (want > REUSED_BUFFER_LIMIT) return readFileSync(entry.abs);
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(Math.min(REUSED_BUFFER_LIMIT, Math.max(want, this.buf.length * 2)));
    const fd = openSync(entry.abs, "r");
    let got: number;
    try {
      got = readSync(fd, this.buf, 0, want, 0);
    } finally {
      closeSync(fd);
    }
    return got < want ? this.buf.subarray(0, got) : readFileSync(entry.abs);
  }
}

function failure(err: unknown): FileScanEvent {
  if (err instanceof ScanTimeout) {
    return { notice: { reason: `timed out after ${err.limitMs / 1000} s; not fully scanned (raise fileTimeoutSeconds, or exclude the file)`, incomplete: true } };
  }
  // Anything but an I/O error is a bug: let it fail the run (exit 2) rather than hide as a notice.
  if ((err as NodeJS.ErrnoException).code === undefined) throw err;
  return { notice: { reason: `read failed mid-file (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true } };
}

function unread(content: Error | { kind: "not-scanned"; reason: string }): FileScanEvent {
  if (content instanceof Error) {
    const code = (content as NodeJS.ErrnoException).code;
    return { notice: { reason: `cannot read (${code ?? content.message})`, incomplete: true } };
  }
  return { notice: { reason: content.reason, incomplete: true } };
}

/** The events of a file read whole: computed at once, since there is nothing to wait for. */
export function scanWholeContent(engine: Engine, path: string, content: Exclude<FileContent, { kind: "stream" | "archive" }> | Error): FileScanEvent[] {
  if (content instanceof Error || content.kind === "not-scanned") return [unread(content)];
  const events: FileScanEvent[] = [];
  try {
    for (const finding of engine.scanBuffer(content.data, { path })) events.push({ finding });
  } catch (err) {
    events.length = 0;
    events.push(failure(err));
  }
  return events;
}

/** `content` is what reading the file gave: its bytes, a stream of them, or the error that stopped the read. */
export async function* scanFileContent(engine: Engine, path: string, content: FileContent | Error): AsyncGenerator<FileScanEvent> {
  if (content instanceof Error || (content.kind !== "stream" && content.kind !== "archive")) {
    yield* scanWholeContent(engine, path, content);
    return;
  }
  if (content.kind === "archive") throw new Error("an archive is opened by scanEntry");
  try {
    for await (const finding of engine.scanStream(content.chunks, { path })) yield { finding };
  } catch (err) {
    yield failure(err);
  }
}

/** A file as a unit for the openers: its bytes when they are read already, else the file. */
function fileUnit(entry: FileEntry, data?: Buffer): ScanUnit {
  // A path by its bytes (a name that is not UTF-8) is passed as it is: the readers hand it to fs, which takes both.
  const abs = entry.abs as string;
  return { target: { path: entry.rel }, content: data ? { kind: "bytes", data } : { kind: "file", abs, size: entry.size } };
}

/** One file's events: an array when it was read whole (most files), a stream for a large one or an archive. */
export function scanEntry(engine: Engine, reader: EntryReader, entry: FileEntry): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  const scope = sizeScope(entry.overLimit ?? DEFAULT_MAX_FILE_SIZE);
  // Archives and notebooks by name; a path that is not valid UTF-8 is opened from its bytes below.
  if (typeof entry.abs === "string" && !entry.pipe) {
    const byName = fileUnit(entry);
    if (openerFor(byName)) return scanOpenedUnit(engine, byName, scope);
  }
  const whole = reader.readWhole(entry);
  if (whole === undefined) {
    return (async function* () {
      const content = await reader.read(entry);
      if (!(content instanceof Error) && content.kind === "archive") yield* scanOpenedUnit(engine, fileUnit(entry), scope);
      else yield* scanFileContent(engine, entry.rel, content);
    })();
  }
  if (!(whole instanceof Error) && whole.kind === "archive") return scanOpenedUnit(engine, fileUnit(entry, whole.data), scope);
  return scanWholeContent(engine, entry.rel, whole);
}

/** Every event of a streamed file, once it has been read to the end. */
export async function collectEvents(events: AsyncIterable<FileScanEvent>): Promise<FileScanEvent[]> {
  const all: FileScanEvent[] = [];
  for await (const ev of events) all.push(ev);
  return all;
}
