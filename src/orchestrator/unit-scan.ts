// One scan unit's bytes through the engine, the same on the main thread and in a pool worker:
// findings in offset order, and a notice when the unit was skipped or could not be read to the end.
// This is where a unit's bytes become text (src/text: BOMs dropped, UTF-16 decoded, binary reduced to
// its printable runs), once for every source; and where an archive known only by its magic bytes
// (a renamed zip, an image layer blob) is opened, on the thread that read it.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { ScanTimeout } from "../engine/session.js";
import { overLimitReason, readForScan, wholeFileContent, WHOLE_READ_LIMIT, type FileContent } from "../sources/files.js";
import type { ScanUnit } from "../sources/source.js";
import { startsAsText, textStream, SNIFF_BYTES } from "../text/index.js";
import { formatByMagic, formatWithoutReader, MAGIC_BYTES, readMagicHead } from "../sources/archive/format.js";
import { scanArchiveUnit, sizeScope } from "./opened-units.js";
import { DEFAULT_MAX_FILE_SIZE } from "./scope.js";
import type { Finding, ScanTarget } from "../types.js";

/** Why a unit was not scanned, or not completely; the caller adds the unit's path unless it names an entry inside it. */
export interface FileNotice {
  reason: string;
  incomplete: boolean;
  path?: string;
}

/** `size`: a file's size, learnt when it was read (a walked file was not stat()ed), before its other events. */
export type FileScanEvent = { finding: Finding } | { notice: FileNotice } | { size: number };

/** What a thread needs of a unit to scan it: no line mapping, no filters (those stay with the orchestrator). */
export interface UnitWork {
  target: ScanTarget;
  content: ScanUnit["content"];
  encoding?: ScanUnit["encoding"];
  overLimit?: ScanUnit["overLimit"];
  /** The size limit, for a file whose size is learnt only when it is read. */
  maxSize?: number;
}

type FileRef = { abs: string | Buffer; size: number; overLimit?: number };

/**
 * Reads files for scanning, one at a time. Small files are read synchronously into one buffer that
 * is reused: a scan has nothing else to do meanwhile, and the four promise round trips of an
 * asynchronous read (open, stat, read, close), or a fresh allocation per file, were most of the time
 * of a scan of many small files. A content read here is valid until the next read.
 */
const REUSED_BUFFER_LIMIT = 1024 * 1024;

export class EntryReader {
  private buf = Buffer.allocUnsafe(64 * 1024);

  async read(file: FileRef): Promise<FileContent | Error> {
    try {
      return file.size <= WHOLE_READ_LIMIT ? wholeFileContent(this.readSmall(file), file.overLimit) : await readForScan(file);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** A file read whole, without a promise per file (most files of a walk), or undefined if it is streamed. */
  readWhole(file: FileRef): Exclude<FileContent, { kind: "stream" }> | Error | undefined {
    if (file.size > WHOLE_READ_LIMIT) return undefined;
    try {
      return wholeFileContent(this.readSmall(file), file.overLimit);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /**
   * A file of unknown size: its bytes when they fit the reused buffer (one open and one read, no
   * stat: most files of a tree), or else its size, asked of the open descriptor. A view into the
   * reused buffer, valid until the next read.
   */
  probe(abs: string | Buffer): Buffer | number | Error {
    try {
      const fd = openSync(abs, "r");
      try {
        const got = readSync(fd, this.buf, 0, this.buf.length, 0);
        return got < this.buf.length ? this.buf.subarray(0, got) : fstatSync(fd).size;
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private readSmall(file: FileRef): Buffer {
    // One byte more than the walk saw: a short read is the end of the file, a full one means it grew.
    const want = file.size + 1;
    // The few files above this get a buffer of their own: a reused one would keep its largest size
    // in every thread for the rest of the scan.
    if (want > REUSED_BUFFER_LIMIT) return readFileSync(file.abs);
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(Math.min(REUSED_BUFFER_LIMIT, Math.max(want, this.buf.length * 2)));
    const fd = openSync(file.abs, "r");
    let got: number;
    try {
      got = readSync(fd, this.buf, 0, want, 0);
    } finally {
      closeSync(fd);
    }
    return got < want ? this.buf.subarray(0, got) : readFileSync(file.abs);
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

/** The events of content read whole: computed at once, since there is nothing to wait for. */
export function scanWholeContent(engine: Engine, target: ScanTarget, content: Exclude<FileContent, { kind: "stream" | "archive" }> | Error): FileScanEvent[] {
  if (content instanceof Error || content.kind === "not-scanned") return [unread(content)];
  const events: FileScanEvent[] = [];
  try {
    for (const finding of engine.scanBuffer(content.data, target)) events.push({ finding });
  } catch (err) {
    events.length = 0;
    events.push(failure(err));
  }
  if (content.partly) events.push({ notice: { reason: content.partly, incomplete: true } });
  return events;
}

async function* scanChunks(engine: Engine, target: ScanTarget, chunks: AsyncIterable<Buffer>): AsyncGenerator<FileScanEvent> {
  try {
    for await (const finding of engine.scanStream(chunks, target)) yield { finding };
  } catch (err) {
    yield failure(err);
  }
}

/**
 * A stream read by the text rules once its first bytes are seen (SNIFF_BYTES): an archive (stdin
 * piped from `cat bundle.zip`) is opened; over the size limit, one binary from its first bytes is
 * not read further and is reported; a compressed format without a reader is said after its scan.
 */
async function* detectedStream(engine: Engine, target: ScanTarget, chunks: AsyncIterable<Buffer>, overLimit: number | undefined): AsyncGenerator<FileScanEvent> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    have += r.value.length;
  }
  const first = Buffer.concat(head);
  const all = (async function* () {
    yield first;
    if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  const format = formatByMagic(first.subarray(0, MAGIC_BYTES));
  if (format) {
    yield* scanArchiveUnit(engine, { target: { ...target }, content: { kind: "stream", chunks: all } }, format, sizeScope(overLimit ?? DEFAULT_MAX_FILE_SIZE));
    return;
  }
  if (overLimit !== undefined && !startsAsText(first)) {
    await it.return?.();
    yield { notice: { reason: overLimitReason(undefined, overLimit), incomplete: true } };
    return;
  }
  yield* scanChunks(engine, target, textStream(all));
  const without = formatWithoutReader(first.subarray(0, MAGIC_BYTES));
  if (without) yield { notice: { reason: `not fully scanned: ${without} compressed content cannot be read (no ${without} reader); only its printable bytes were scanned`, incomplete: true } };
}

/** A file that its first bytes show to be an archive: opened here, its entries scanned here. */
async function* openedFile(engine: Engine, target: ScanTarget, file: FileRef, data?: Buffer): AsyncGenerator<FileScanEvent> {
  const content: ScanUnit["content"] = data ? { kind: "bytes", data } : { kind: "file", abs: file.abs, size: file.size };
  const format = data ? formatByMagic(data.subarray(0, MAGIC_BYTES)) : formatByMagic(readMagicHead(file.abs));
  const scope = sizeScope(file.overLimit ?? DEFAULT_MAX_FILE_SIZE);
  if (format) yield* scanArchiveUnit(engine, { target: { ...target }, content }, format, scope);
}

/** One unit's events: an array when its bytes were at hand whole (most units), a stream otherwise. */
export function scanUnit(engine: Engine, reader: EntryReader, unit: UnitWork): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  const { content, target, overLimit } = unit;
  if (content.kind === "bytes") {
    if (unit.encoding === "utf8") return scanWholeContent(engine, target, { kind: "buffer", data: content.data });
    const whole = wholeFileContent(content.data, overLimit);
    if (whole.kind === "archive") return openedFile(engine, target, { abs: "", size: content.data.length }, content.data);
    return scanWholeContent(engine, target, whole);
  }
  if (content.kind === "stream") {
    return unit.encoding === "utf8" ? scanChunks(engine, target, content.chunks) : detectedStream(engine, target, content.chunks, overLimit);
  }
  if (content.size === undefined) {
    const probe = reader.probe(content.abs);
    if (probe instanceof Error) return scanWholeContent(engine, target, probe);
    if (typeof probe === "number") {
      const limit = overLimitOf(unit, probe);
      return sized(scanFile(engine, reader, target, { abs: content.abs, size: probe, ...(limit !== undefined && { overLimit: limit }) }), probe);
    }
    return scanReadFile(engine, unit, probe);
  }
  return scanFile(engine, reader, target, { abs: content.abs, size: content.size, ...(overLimit !== undefined && { overLimit }) });
}

/** The limit a walked file of `size` bytes is over: the size limit it exceeds, else the unit's own. */
function overLimitOf(unit: UnitWork, size: number): number | undefined {
  const maxSize = unit.maxSize ?? DEFAULT_MAX_FILE_SIZE;
  return size > maxSize ? maxSize : unit.overLimit;
}

/** The events of a walked file (size unknown until read) whose bytes were read whole (`data`). */
export function scanReadFile(engine: Engine, unit: UnitWork, data: Buffer): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  const { target, content } = unit;
  const abs = content.kind === "file" ? content.abs : "";
  const over = overLimitOf(unit, data.length);
  const whole = wholeFileContent(data, over);
  const events = whole.kind === "archive" ? openedFile(engine, target, { abs, size: data.length, ...(over !== undefined && { overLimit: over }) }, whole.data) : scanWholeContent(engine, target, whole);
  return sized(events, data.length);
}

/** A unit's events with its size (learnt by reading) before them. */
function sized(events: FileScanEvent[] | AsyncIterable<FileScanEvent>, size: number): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  if (Array.isArray(events)) {
    events.unshift({ size });
    return events;
  }
  return (async function* () {
    yield { size };
    yield* events;
  })();
}

/** The events of a file of known size: read whole, or streamed when large or over the limit. */
function scanFile(engine: Engine, reader: EntryReader, target: ScanTarget, file: FileRef): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  const overLimit = file.overLimit;
  const whole = file.size > WHOLE_READ_LIMIT || overLimit !== undefined ? undefined : reader.readWhole(file);
  if (whole === undefined) {
    return (async function* () {
      const read = await reader.read(file);
      if (read instanceof Error || read.kind !== "stream") {
        if (!(read instanceof Error) && read.kind === "archive") yield* openedFile(engine, target, file, read.data);
        else yield* scanWholeContent(engine, target, read);
        return;
      }
      yield* scanChunks(engine, target, read.chunks);
      if (read.partly) yield { notice: { reason: read.partly, incomplete: true } };
    })();
  }
  if (!(whole instanceof Error) && whole.kind === "archive") return openedFile(engine, target, file, whole.data);
  return scanWholeContent(engine, target, whole);
}

/** Every event of a streamed unit, once it has been read to the end. */
export async function collectEvents(events: AsyncIterable<FileScanEvent>): Promise<FileScanEvent[]> {
  const all: FileScanEvent[] = [];
  for await (const ev of events) all.push(ev);
  return all;
}
