// One scan unit's bytes through the engine, the same on the main thread and in a pool worker:
// findings in offset order, and a notice when the unit was skipped or could not be read to the end.
// This is where a unit's bytes become text (the text rules: binary skipped, UTF-16 converted), once
// for every source.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { ScanTimeout } from "../engine/session.js";
import { readForScan, wholeFileContent, WHOLE_READ_LIMIT, type FileContent } from "../sources/files.js";
import type { ScanUnit } from "../sources/source.js";
import type { Finding, ScanTarget } from "../types.js";

/** Why a unit was not scanned, or not completely; the caller adds the path. */
export interface FileNotice {
  reason: string;
  incomplete: boolean;
}

export type FileScanEvent = { finding: Finding } | { notice: FileNotice };

/** What a thread needs of a unit to scan it: no line mapping, no filters (those stay with the orchestrator). */
export interface UnitWork {
  target: ScanTarget;
  content: ScanUnit["content"];
  encoding?: ScanUnit["encoding"];
}

/**
 * Reads files for scanning, one at a time. Small files are read synchronously into one buffer that
 * is reused: a scan has nothing else to do meanwhile, and the four promise round trips of an
 * asynchronous read (open, stat, read, close), or a fresh allocation per file, were most of the time
 * of a scan of many small files. A content read here is valid until the next read.
 */
const REUSED_BUFFER_LIMIT = 1024 * 1024;

export class EntryReader {
  private buf = Buffer.allocUnsafe(64 * 1024);

  async read(file: { abs: string; size: number }): Promise<FileContent | Error> {
    try {
      return file.size <= WHOLE_READ_LIMIT ? wholeFileContent(this.readSmall(file)) : await readForScan(file);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** A file read whole, without a promise per file (most files of a walk), or undefined if it is streamed. */
  readWhole(file: { abs: string; size: number }): Exclude<FileContent, { kind: "stream" }> | Error | undefined {
    if (file.size > WHOLE_READ_LIMIT) return undefined;
    try {
      return wholeFileContent(this.readSmall(file));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private readSmall(file: { abs: string; size: number }): Buffer {
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

function unread(content: Error | { kind: "binary" }): FileScanEvent {
  if (content instanceof Error) {
    const code = (content as NodeJS.ErrnoException).code;
    return { notice: { reason: `cannot read (${code ?? content.message})`, incomplete: true } };
  }
  return { notice: { reason: "binary file skipped", incomplete: false } };
}

/** The events of content read whole: computed at once, since there is nothing to wait for. */
export function scanWholeContent(engine: Engine, target: ScanTarget, content: Exclude<FileContent, { kind: "stream" }> | Error): FileScanEvent[] {
  if (content instanceof Error || content.kind === "binary") return [unread(content)];
  const events: FileScanEvent[] = [];
  try {
    for (const finding of engine.scanBuffer(content.data, target)) events.push({ finding });
  } catch (err) {
    events.length = 0;
    events.push(failure(err));
  }
  return events;
}

async function* scanChunks(engine: Engine, target: ScanTarget, chunks: AsyncIterable<Buffer>): AsyncGenerator<FileScanEvent> {
  try {
    for await (const finding of engine.scanStream(chunks, target)) yield { finding };
  } catch (err) {
    yield failure(err);
  }
}

/** `content` is what reading the file gave: its bytes, a stream of them, or the error that stopped the read. */
export async function* scanFileContent(engine: Engine, target: ScanTarget, content: FileContent | Error): AsyncGenerator<FileScanEvent> {
  if (content instanceof Error || content.kind !== "stream") {
    yield* scanWholeContent(engine, target, content);
    return;
  }
  yield* scanChunks(
    engine,
    target,
    (async function* () {
      yield content.head;
      yield* content.rest;
    })(),
  );
}

/** One unit's events: an array when its bytes were at hand whole (most units), a stream otherwise. */
export function scanUnit(engine: Engine, reader: EntryReader, unit: UnitWork): FileScanEvent[] | AsyncIterable<FileScanEvent> {
  const { content, target } = unit;
  if (content.kind === "bytes") {
    return scanWholeContent(engine, target, unit.encoding === "utf8" ? { kind: "buffer", data: content.data } : wholeFileContent(content.data));
  }
  if (content.kind === "stream") return scanChunks(engine, target, content.chunks);
  const whole = reader.readWhole(content);
  if (whole === undefined) {
    return (async function* () {
      yield* scanFileContent(engine, target, await reader.read(content));
    })();
  }
  return scanWholeContent(engine, target, whole);
}

/** Every event of a streamed unit, once it has been read to the end. */
export async function collectEvents(events: AsyncIterable<FileScanEvent>): Promise<FileScanEvent[]> {
  const all: FileScanEvent[] = [];
  for await (const ev of events) all.push(ev);
  return all;
}
