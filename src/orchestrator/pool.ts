// Scan units on every core: the calling thread and worker threads (each with its own compiled
// engine) take batches of units in source order — files a worker reads itself, bytes (history
// blobs, added lines, archive entries) carried to it — and their results are handed back in that
// same order, so the findings of a parallel scan are identical to a sequential one (by unit in
// source order, then by offset).
// Small inputs never start a worker: that costs more than it saves (a pre-commit scans a few files).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { packageFile } from "../package-root.js";
import type { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { attachSecret } from "../finding/secret-store.js";
import { collectEvents, EntryReader, scanUnit, type FileScanEvent, type UnitWork } from "./unit-scan.js";
import type { Engine } from "../engine/engine.js";
import type { PoolFileEvents, PoolInit, PoolRequest, PoolResponse } from "./pool-worker.js";

/** Units looked at before deciding: past this many, however small, a pool pays off. */
const MAX_HEAD = 4096;
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

/**
 * One scanning thread per available core (the calling thread and a worker for each other core), from
 * three cores up. On two, a worker competes with V8's own garbage-collection and compiler threads for
 * the second core: `npm run bench` on a 2-core machine measured the tree scans 0.82–0.90× as fast
 * with a worker as without (docs/benchmarks.md), so two cores scan on the calling thread alone.
 */
export function defaultJobs(): number {
  const cores = availableParallelism();
  return cores >= 3 ? cores : 1;
}

/** The compiled worker; when running from the TypeScript sources (the tests), the build's copy. */
function workerScript(): URL {
  const here = new URL("./pool-worker.js", import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : pathToFileURL(packageFile("dist/orchestrator/pool-worker.js"));
}

/**
 * Workers a finished pool left for the next pool of the same scanner (`init` is the scanner's):
 * starting one costs more than most of history's runs take (loading modules, compiling rules).
 * Idle workers are unreferenced, so they never keep the process alive.
 */
const idleWorkers = new WeakMap<PoolInit, Worker[]>();

function takeWorker(init: PoolInit): Worker {
  const idle = idleWorkers.get(init);
  const worker = idle?.pop();
  if (worker) {
    worker.removeAllListeners();
    worker.ref();
    return worker;
  }
  // Required on first use: a one-thread scan (a pre-commit hook on two cores) never starts a worker.
  const { Worker: WorkerThread } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  return new WorkerThread(workerScript(), { workerData: init });
}

function releaseWorker(init: PoolInit, worker: Worker): void {
  worker.removeAllListeners();
  const idle = idleWorkers.get(init) ?? [];
  idleWorkers.set(init, idle);
  idle.push(worker);
  // An idle worker that dies is simply not reused.
  worker.on("error", () => undefined);
  worker.once("exit", () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  worker.unref();
}

interface Waiting {
  files: number;
  resolve: (results: FileScanEvent[][]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  /** Starts one batch on this slot; its results arrive through `waiting` under `id`. */
  send(id: number, units: UnitWork[]): void;
  /** Batches sent and not yet answered. */
  busy: number;
  /**
   * How many batches it holds at most: a worker several, so that it has work while the calling
   * thread is busy with a batch of its own and cannot answer; the calling thread one.
   */
  depth: number;
  stop(): Promise<unknown>;
}

/** What a worker is sent of a unit: a file's place, or the bytes themselves (a stream never goes to a worker). */
function wireUnit(u: UnitWork): UnitWork {
  const c = u.content;
  // A view into a larger buffer (a slice of git's output) would be cloned with all of that buffer.
  const content = c.kind === "bytes" && c.data.byteLength !== c.data.buffer.byteLength ? { kind: "bytes" as const, data: new Uint8Array(c.data) as Buffer } : c;
  return { target: u.target, content, ...(u.encoding && { encoding: u.encoding }), ...(u.overLimit !== undefined && { overLimit: u.overLimit }), ...(u.maxSize !== undefined && { maxSize: u.maxSize }) };
}

/** A worker's answer as the main thread's events: each secret goes back into this thread's store. */
function eventsOf(events: PoolFileEvents): FileScanEvent[] {
  return events.map((ev) => {
    if (!("finding" in ev)) return ev;
    attachSecret(ev.finding, ev.secret);
    return { finding: ev.finding };
  });
}

async function scanLocally(engine: Engine, reader: EntryReader, units: (UnitWork | undefined)[]): Promise<FileScanEvent[][]> {
  const out: FileScanEvent[][] = [];
  for (const unit of units) {
    if (!unit) {
      out.push([]);
      continue;
    }
    const events = scanUnit(engine, reader, unit);
    out.push(Array.isArray(events) ? events : await collectEvents(events));
  }
  return out;
}

export class FilePool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<number, Waiting>();
  private readonly queued: { units: UnitWork[]; resolve: Waiting["resolve"]; reject: Waiting["reject"] }[] = [];
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
      send: (id, units) => {
        // After the current turn, so that the walk and the workers' messages are served between batches.
        setImmediate(() => {
          scanLocally(engine, reader, units).then(
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
    const worker = takeWorker(init);
    const slot: Slot = {
      busy: 0,
      depth: 4,
      send: (id, units) => {
        const req: PoolRequest = { id, units: units.map(wireUnit) };
        worker.postMessage(req);
      },
      // A pool that ended well hands its workers on to the next pool of the same scanner (history
      // runs several); one that failed ends them.
      stop: async () => {
        if (this.failure) await worker.terminate();
        else releaseWorker(init, worker);
      },
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

  /** Scans `units` on the next slot to be free; results in the order of `units`. */
  scan(units: UnitWork[]): Promise<FileScanEvent[][]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queued.push({ units, resolve, reject });
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
        const { units, resolve, reject } = this.queued.shift()!;
        const id = this.nextId++;
        slot.busy++;
        this.waiting.set(id, { files: units.length, resolve, reject });
        slot.send(id, units);
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.stop()));
  }
}

/** An item of a source and what scanning its unit produced, in the source's order. */
export interface Scanned<T> {
  item: T;
  /** An array when the unit's events are all known; a stream while a large unit is still being read. */
  events: FileScanEvent[] | AsyncIterable<FileScanEvent>;
}

export interface ScanUnitsOptions<T> {
  /** Threads that scan: 1 (or less) scans on the calling thread; default: one per core. */
  jobs?: number;
  /** What a worker needs to build the same engine as `engine`. */
  init: PoolInit;
  /** Thresholds below which no worker is started (tests lower them). */
  minFiles?: number;
  minBytes?: number;
  /** The work of an item (undefined: nothing to scan, no events), and its size in bytes (for batching and the thresholds). */
  work(item: T): UnitWork | undefined;
  size(item: T): number;
}

/** Keeps `ahead` calls of `run` in flight, yielding their results in input order. */
export async function* inOrder<T, R>(items: Iterable<T> | AsyncIterable<T>, ahead: number, run: (item: T) => Promise<R>): AsyncGenerator<[T, R | Error]> {
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

/** A batch of items; `local` when it must be scanned on the calling thread (a stream cannot travel). */
interface Batch<T> {
  items: T[];
  local: boolean;
}

/** Cuts items into batches; a stream unit (or an item with no work) is a batch of its own, on the calling thread. */
class Batcher<T> {
  private batch: T[] = [];
  private bytes = 0;

  constructor(private readonly o: ScanUnitsOptions<T>) {}

  /** The batches that `item` completes (none, one, or the open one and the item's own). */
  add(item: T): Batch<T>[] {
    const work = this.o.work(item);
    if (!work || work.content.kind === "stream") {
      const out = this.end();
      out.push({ items: [item], local: true });
      return out;
    }
    this.batch.push(item);
    this.bytes += this.o.size(item);
    return this.batch.length >= BATCH_FILES || this.bytes >= BATCH_BYTES ? this.end() : [];
  }

  end(): Batch<T>[] {
    if (!this.batch.length) return [];
    const out = [{ items: this.batch, local: false }];
    this.batch = [];
    this.bytes = 0;
    return out;
  }
}

function* batchesOf<T>(head: T[], rest: Iterator<T>, o: ScanUnitsOptions<T>): Generator<Batch<T>> {
  const b = new Batcher(o);
  for (const item of head) yield* b.add(item);
  for (let r = rest.next(); !r.done; r = rest.next()) yield* b.add(r.value);
  yield* b.end();
}

async function* batchesOfAsync<T>(head: T[], rest: AsyncIterator<T>, o: ScanUnitsOptions<T>): AsyncGenerator<Batch<T>> {
  const b = new Batcher(o);
  for (const item of head) yield* b.add(item);
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield* b.add(r.value);
  yield* b.end();
}

/**
 * Whether a source is worth a pool, judged on what has been seen of it so far (`complete` when that
 * is all of it). One unit gains nothing from workers (a unit is never split between threads), and
 * on the calling thread its findings stream out as they are found.
 */
export function usePool(jobs: number, seen: { units: number; files: number; bytes: number; complete: boolean }, min: { minFiles: number; minBytes: number }): boolean {
  if (jobs <= 1) return false;
  if (!seen.complete) return true;
  return seen.units >= 2 && (seen.files >= min.minFiles || seen.bytes >= min.minBytes);
}

function isAsync<T>(items: Iterable<T> | AsyncIterable<T>): items is AsyncIterable<T> {
  return Symbol.asyncIterator in items;
}

/**
 * Scans a source's units on this thread or on a pool, whichever the amount of work calls for, and
 * yields them in source order: a pool's batch at a time (a promise per unit was a noticeable cost of
 * a large walk), or on this thread one unit at a time, each drained by the caller before the next.
 * A synchronous source (a folder walk) is pulled without a promise per unit.
 */
export async function* scanUnits<T>(engine: Engine, items: Iterable<T> | AsyncIterable<T>, options: ScanUnitsOptions<T>): AsyncGenerator<Scanned<T>[]> {
  const jobs = Math.floor(options.jobs ?? defaultJobs());
  const minFiles = options.minFiles ?? POOL_MIN_FILES;
  const minBytes = options.minBytes ?? POOL_MIN_BYTES;
  const sync = isAsync(items) ? undefined : items[Symbol.iterator]();
  const async = isAsync(items) ? items[Symbol.asyncIterator]() : undefined;
  const head: T[] = [];
  let bytes = 0;
  // Files a thread must open and read itself count by number (each costs system calls, which a
  // worker takes off this thread); units already in memory (history's added lines, archive entries)
  // only by bytes: shipping many small buffers to a worker cost more than scanning them here.
  let files = 0;
  let done = false;
  let stopAtStream = false;
  if (jobs > 1) {
    while ((files < minFiles && bytes < minBytes && head.length < MAX_HEAD) || head.length < 2) {
      const r = sync ? sync.next() : await async!.next();
      if (r.done) {
        done = true;
        break;
      }
      head.push(r.value);
      bytes += options.size(r.value);
      const kind = options.work(r.value)?.content.kind;
      if (kind === "file") files++;
      // A stream may be the source's own input (an archive entry): the source cannot go on until it
      // is read, so the look-ahead stops there rather than wait for an item that cannot come. A
      // stream is scanned on this thread in any case, so nothing seen argues for a pool: each .gz
      // in a history started one.
      if (kind === "stream") {
        stopAtStream = true;
        break;
      }
    }
  }
  if (!usePool(jobs, { units: head.length, files, bytes, complete: done || stopAtStream }, { minFiles, minBytes })) {
    // Unit by unit, each read only when the caller asks for it (a file may change or vanish after the
    // walk saw it); one reader serves them all, since the caller drains a unit before the next.
    const reader = new EntryReader();
    const scan = (item: T): Scanned<T>[] => {
      const work = options.work(item);
      return [{ item, events: work ? scanUnit(engine, reader, work) : [] }];
    };
    for (const item of head) yield scan(item);
    if (done) return;
    if (sync) for (let r = sync.next(); !r.done; r = sync.next()) yield scan(r.value);
    else for (let r = await async!.next(); !r.done; r = await async!.next()) yield scan(r.value);
    return;
  }
  // The calling thread is one of the `jobs` threads: it scans between reading the source and collecting results.
  const pool = new FilePool(jobs - 1, options.init, engine);
  const reader = new EntryReader();
  const batches = sync ? batchesOf(head, sync, options) : batchesOfAsync(head, async!, options);
  const run = (b: Batch<T>) => {
    const units = b.items.map(options.work);
    return b.local ? scanLocally(engine, reader, units) : pool.scan(units as UnitWork[]);
  };
  try {
    for await (const [batch, results] of inOrder(batches, jobs * AHEAD_PER_WORKER, run)) {
      if (results instanceof Error) throw results;
      yield batch.items.map((item, i) => ({ item, events: results[i]! }));
    }
  } finally {
    await pool.close();
  }
}
