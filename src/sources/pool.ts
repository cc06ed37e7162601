// Files scanned on every core: worker threads, each with its own compiled engine, are sent batches
// of files in walk order and their results are handed back in that same order, so the findings of
// a parallel scan are identical to a sequential one (by file in walk order, then by offset).
// Small inputs never start a worker: that costs more than it saves (a pre-commit scans a few files).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { attachSecret } from "../engine/secret-store.js";
import { EntryReader, scanFileContent, type FileScanEvent } from "./file-scan.js";
import type { FileEntry } from "./files.js";
import type { Engine } from "../engine/engine.js";
import type { PoolFileEvents, PoolInit, PoolRequest, PoolResponse } from "./pool-worker.js";

/** Below both of these, the walk's files are scanned on the calling thread. */
export const POOL_MIN_FILES = 256;
export const POOL_MIN_BYTES = 8 * 1024 * 1024;
/** A batch closes at this many files or bytes: large enough to amortise a message, small enough to balance. */
const BATCH_FILES = 64;
const BATCH_BYTES = 1024 * 1024;
/**
 * Batches sent ahead of the one whose results are due next, per worker: results are taken in walk
 * order, so a worker that finished its batches waits while the head batch (say, one large file) is
 * still running elsewhere, unless it has more queued. Waiting results are small (findings only).
 */
const AHEAD_PER_WORKER = 16;

/** One worker thread per available core: the main thread only walks and reports. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** The compiled worker; when running from the TypeScript sources (the tests), the build's copy. */
function workerScript(): URL {
  const here = new URL("./pool-worker.js", import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : new URL("../../dist/sources/pool-worker.js", import.meta.url);
}

interface Waiting {
  files: number;
  resolve: (results: PoolFileEvents[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Batches sent and not yet answered. */
  busy: number;
}

export class FilePool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<number, Waiting>();
  private readonly queued: { files: FileEntry[]; resolve: Waiting["resolve"]; reject: Waiting["reject"] }[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(size: number, init: PoolInit) {
    this.slots = Array.from({ length: size }, () => this.spawn(init));
  }

  private spawn(init: PoolInit): Slot {
    const worker = new Worker(workerScript(), { workerData: init });
    const slot: Slot = { worker, busy: 0 };
    worker.on("message", (msg: PoolResponse) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      slot.busy--;
      this.pump();
      if ("error" in msg) {
        w.reject(new Error(`scan worker: ${msg.error}`));
        return;
      }
      const byFile: PoolFileEvents[] = Array.from({ length: w.files }, () => []);
      for (const [i, events] of msg.results) byFile[i] = events;
      w.resolve(byFile);
    });
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`scan worker stopped unexpectedly (exit code ${code})`));
    });
    return slot;
  }

  /** Fails every batch in flight: a scan with a lost worker is incomplete, and must not look complete. */
  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of [...this.waiting.values(), ...this.queued]) w.reject(this.failure);
    this.waiting.clear();
    this.queued.length = 0;
  }

  /** Scans `files` on the next worker to be free; results in the order of `files`. */
  scan(files: FileEntry[]): Promise<PoolFileEvents[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queued.push({ files, resolve, reject });
      this.pump();
    });
  }

  /**
   * Hands queued batches to workers with fewer than two in hand (one running, one ready), so that
   * a worker never waits for a message and never holds work another worker could take at the end.
   */
  private pump(): void {
    for (const slot of this.slots) {
      while (slot.busy < 2 && this.queued.length) {
        const { files, resolve, reject } = this.queued.shift()!;
        const id = this.nextId++;
        slot.busy++;
        this.waiting.set(id, { files: files.length, resolve, reject });
        const req: PoolRequest = { id, files: files.map(({ abs, rel, size }) => ({ abs, rel, size })) };
        slot.worker.postMessage(req);
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** A file of the walk and what scanning it produced, in the walk's order. */
export interface ScannedFile {
  entry: FileEntry;
  events: AsyncIterable<FileScanEvent>;
}

export interface ScanEntriesOptions {
  /** Threads that scan: 1 (or less) scans on the calling thread; default: one per core. */
  jobs?: number;
  /** What a worker needs to build the same engine as `engine`. */
  init: PoolInit;
  /** Thresholds below which no worker is started (tests lower them). */
  minFiles?: number;
  minBytes?: number;
}

/** Keeps `ahead` calls of `run` in flight, yielding their results in input order. */
export async function* inOrder<T, R>(items: AsyncIterable<T>, ahead: number, run: (item: T) => Promise<R>): AsyncGenerator<[T, R | Error]> {
  const queue: [T, Promise<R | Error>][] = [];
  for await (const item of items) {
    queue.push([item, run(item).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))]);
    if (queue.length >= ahead) {
      const [it, p] = queue.shift()!;
      yield [it, await p];
    }
  }
  while (queue.length) {
    const [it, p] = queue.shift()!;
    yield [it, await p];
  }
}

async function* concat<T>(head: T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield* head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

async function* batchesOf(entries: AsyncIterable<FileEntry>): AsyncGenerator<FileEntry[]> {
  let batch: FileEntry[] = [];
  let bytes = 0;
  for await (const e of entries) {
    batch.push(e);
    bytes += e.size;
    if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield batch;
}

function* eventsOf(events: PoolFileEvents): Generator<FileScanEvent> {
  for (const ev of events) {
    if ("notice" in ev) {
      yield ev;
      continue;
    }
    attachSecret(ev.finding, ev.secret);
    yield { finding: ev.finding };
  }
}

async function* once<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * Whether a walk is worth a pool, judged on what has been seen of it so far (`complete` when that
 * is all of it). One file gains nothing from workers (a file is never split between threads), and
 * on the calling thread its findings stream out as they are found.
 */
export function usePool(jobs: number, seen: { files: number; bytes: number; complete: boolean }, min: { minFiles: number; minBytes: number }): boolean {
  if (jobs <= 1) return false;
  if (!seen.complete) return true;
  return seen.files >= 2 && (seen.files >= min.minFiles || seen.bytes >= min.minBytes);
}

/** Scans the walk's files on this thread or on a pool, whichever the amount of work calls for. */
export async function* scanEntries(engine: Engine, entries: AsyncIterable<FileEntry>, options: ScanEntriesOptions): AsyncGenerator<ScannedFile> {
  const jobs = Math.floor(options.jobs ?? defaultJobs());
  const minFiles = options.minFiles ?? POOL_MIN_FILES;
  const minBytes = options.minBytes ?? POOL_MIN_BYTES;
  const it = entries[Symbol.asyncIterator]();
  const head: FileEntry[] = [];
  let bytes = 0;
  let done = false;
  if (jobs > 1) {
    while ((head.length < minFiles && bytes < minBytes) || head.length < 2) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      head.push(r.value);
      bytes += r.value.size;
    }
  }
  if (!usePool(jobs, { files: head.length, bytes, complete: done }, { minFiles, minBytes })) {
    // The caller drains each file's events before asking for the next, so one reader serves them all.
    const reader = new EntryReader();
    for await (const entry of concat(head, it)) yield { entry, events: scanFileContent(engine, entry.rel, await reader.read(entry)) };
    return;
  }
  const pool = new FilePool(jobs, options.init);
  try {
    for await (const [batch, results] of inOrder(batchesOf(concat(head, it)), jobs * AHEAD_PER_WORKER, (b) => pool.scan(b))) {
      if (results instanceof Error) throw results;
      for (const [i, entry] of batch.entries()) yield { entry, events: once(eventsOf(results[i]!)) };
    }
  } finally {
    await pool.close();
  }
}
