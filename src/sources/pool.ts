// Files scanned on every core: the calling thread and worker threads (each with its own compiled
// engine) take batches of files in walk order, and their results are handed back in that same order,
// so the findings of a parallel scan are identical to a sequential one (by file in walk order, then
// by offset).
// Small inputs never start a worker: that costs more than it saves (a pre-commit scans a few files).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { attachSecret } from "../finding/secret-store.js";
import { collectEvents, EntryReader, scanEntry, type FileScanEvent } from "./file-scan.js";
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

/** One scanning thread per available core: the calling thread and a worker for each other core. */
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
  resolve: (results: FileScanEvent[][]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  /** Starts one batch on this slot; its results arrive through `waiting` under `id`. */
  send(id: number, files: FileEntry[]): void;
  /** Batches sent and not yet answered. */
  busy: number;
  /**
   * How many batches it holds at most: a worker several, so that it has work while the calling
   * thread is busy with a batch of its own and cannot answer; the calling thread one.
   */
  depth: number;
  stop(): Promise<unknown>;
}

/** A worker's answer as the main thread's events: each secret goes back into this thread's store. */
function eventsOf(events: PoolFileEvents): FileScanEvent[] {
  return events.map((ev) => {
    if ("notice" in ev) return ev;
    attachSecret(ev.finding, ev.secret);
    return { finding: ev.finding };
  });
}

async function scanLocally(engine: Engine, reader: EntryReader, files: FileEntry[]): Promise<FileScanEvent[][]> {
  const out: FileScanEvent[][] = [];
  for (const entry of files) {
    const events = scanEntry(engine, reader, entry);
    out.push(Array.isArray(events) ? events : await collectEvents(events));
  }
  return out;
}

export class FilePool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<number, Waiting>();
  private readonly queued: { files: FileEntry[]; resolve: Waiting["resolve"]; reject: Waiting["reject"] }[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  /**
   * `workers` threads, each compiling its own engine from `init`; with `local`, the calling thread
   * scans batches too, with that engine: its rules are already compiled and warm, where a worker
   * more would compile them once again and compete with it for the same cores.
   */
  constructor(workers: number, init: PoolInit, local?: Engine) {
    this.slots = Array.from({ length: workers }, () => this.spawn(init));
    if (local) this.slots.unshift(this.localSlot(local));
  }

  private settle(id: number, slot: Slot, result: FileScanEvent[][] | Error): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    slot.busy--;
    if (result instanceof Error) w.reject(result);
    else w.resolve(result);
    this.pump();
  }

  private localSlot(engine: Engine): Slot {
    const reader = new EntryReader();
    const slot: Slot = {
      busy: 0,
      depth: 1,
      send: (id, files) => {
        // After the current turn, so that the walk and the workers' messages are served between batches.
        setImmediate(() => {
          scanLocally(engine, reader, files).then(
            (results) => this.settle(id, slot, results),
            (err: unknown) => this.settle(id, slot, err instanceof Error ? err : new Error(String(err))),
          );
        });
      },
      stop: async () => undefined,
    };
    return slot;
  }

  private spawn(init: PoolInit): Slot {
    const worker = new Worker(workerScript(), { workerData: init });
    const slot: Slot = {
      busy: 0,
      depth: 4,
      send: (id, files) => {
        const req: PoolRequest = { id, files: files.map(({ abs, rel, size }) => ({ abs, rel, size })) };
        worker.postMessage(req);
      },
      stop: () => worker.terminate(),
    };
    worker.on("message", (msg: PoolResponse) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      if ("error" in msg) {
        this.settle(msg.id, slot, new Error(`scan worker: ${msg.error}`));
        return;
      }
      const byFile: FileScanEvent[][] = Array.from({ length: w.files }, () => []);
      for (const [i, events] of msg.results) byFile[i] = eventsOf(events);
      this.settle(msg.id, slot, byFile);
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

  /** Scans `files` on the next slot to be free; results in the order of `files`. */
  scan(files: FileEntry[]): Promise<FileScanEvent[][]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queued.push({ files, resolve, reject });
      this.pump();
    });
  }

  /**
   * Hands queued batches to slots below their depth, so that a worker never waits for a message
   * and never holds work another slot could take at the end.
   */
  private pump(): void {
    for (const slot of this.slots) {
      while (slot.busy < slot.depth && this.queued.length) {
        const { files, resolve, reject } = this.queued.shift()!;
        const id = this.nextId++;
        slot.busy++;
        this.waiting.set(id, { files: files.length, resolve, reject });
        slot.send(id, files);
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.stop()));
  }
}

/** A file of the walk and what scanning it produced, in the walk's order. */
export interface ScannedFile {
  entry: FileEntry;
  /** An array when the file's events are all known; a stream while a large file is still being read. */
  events: FileScanEvent[] | AsyncIterable<FileScanEvent>;
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
export async function* inOrder<T, R>(items: Iterable<T>, ahead: number, run: (item: T) => Promise<R>): AsyncGenerator<[T, R | Error]> {
  const queue: [T, Promise<R | Error>][] = [];
  for (const item of items) {
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

function* concat<T>(head: T[], rest: Iterator<T>): Generator<T> {
  yield* head;
  for (let r = rest.next(); !r.done; r = rest.next()) yield r.value;
}

function* batchesOf(entries: Iterable<FileEntry>): Generator<FileEntry[]> {
  let batch: FileEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
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

/**
 * Scans the walk's files on this thread or on a pool, whichever the amount of work calls for, and
 * yields them in walk order: a pool's batch at a time (a promise per file was a noticeable cost of a
 * large walk), or on this thread one file at a time, each drained by the caller before the next.
 */
export async function* scanEntries(engine: Engine, entries: Iterable<FileEntry>, options: ScanEntriesOptions): AsyncGenerator<ScannedFile[]> {
  const jobs = Math.floor(options.jobs ?? defaultJobs());
  const minFiles = options.minFiles ?? POOL_MIN_FILES;
  const minBytes = options.minBytes ?? POOL_MIN_BYTES;
  const it = entries[Symbol.iterator]();
  const head: FileEntry[] = [];
  let bytes = 0;
  let done = false;
  if (jobs > 1) {
    while ((head.length < minFiles && bytes < minBytes) || head.length < 2) {
      const r = it.next();
      if (r.done) {
        done = true;
        break;
      }
      head.push(r.value);
      bytes += r.value.size;
    }
  }
  if (!usePool(jobs, { files: head.length, bytes, complete: done }, { minFiles, minBytes })) {
    // File by file, each read only when the caller asks for it (a file may change or vanish after the
    // walk saw it); one reader serves them all, since the caller drains a file before the next.
    const reader = new EntryReader();
    for (const entry of concat(head, it)) yield [{ entry, events: scanEntry(engine, reader, entry) }];
    return;
  }
  // The calling thread is one of the `jobs` threads: it scans between walking and collecting results.
  const pool = new FilePool(jobs - 1, options.init, engine);
  try {
    for await (const [batch, results] of inOrder(batchesOf(concat(head, it)), jobs * AHEAD_PER_WORKER, (b) => pool.scan(b))) {
      if (results instanceof Error) throw results;
      yield batch.map((entry, i) => ({ entry, events: results[i]! }));
    }
  } finally {
    await pool.close();
  }
}
