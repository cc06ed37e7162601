// A pool worker: scans the units it is sent (reading files itself, taking bytes as sent) with its own
// engine (compiled once, from the rules the main thread passed in). Findings go back with their secrets beside them, as a
// separate field, because the main thread's secret store (a WeakMap) cannot see across threads.
import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../engine/engine.js";
import { revealSecret } from "../finding/secret-store.js";
import { collectEvents, EntryReader, scanUnit, type FileNotice, type FileScanEvent, type UnitWork } from "./unit-scan.js";
import type { SessionOptions } from "../engine/session.js";
import type { Finding, Rule } from "../types.js";

export interface PoolInit {
  rules: Rule[];
  session: SessionOptions;
}

export interface PoolRequest {
  id: number;
  units: UnitWork[];
}

/** A finding travels with its raw secret beside it, so the finding itself never holds the secret. */
export type WireEvent = { finding: Finding; secret: string } | { notice: FileNotice } | { size: number };

/** One file's events in the order the engine produced them (a mid-read failure follows earlier findings). */
export type PoolFileEvents = WireEvent[];

/**
 * Only files with events are listed, by their index in the request: most files have none, and
 * cloning an empty result per file was a noticeable share of a worker's time.
 */
export type PoolResponse = { id: number; results: [number, PoolFileEvents][] } | { id: number; error: string };

const toWire = (ev: FileScanEvent): WireEvent => ("finding" in ev ? { finding: ev.finding, secret: revealSecret(ev.finding) ?? "" } : ev);

/** Bytes arrive as a plain Uint8Array (structured cloning drops the Buffer class): view them as one again. */
function received(unit: UnitWork): UnitWork {
  const c = unit.content;
  if (c.kind !== "bytes" || Buffer.isBuffer(c.data)) return unit;
  const u8 = c.data as Uint8Array;
  return { ...unit, content: { kind: "bytes", data: Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength) } };
}

async function scanForWire(engine: Engine, reader: EntryReader, unit: UnitWork): Promise<PoolFileEvents> {
  const events = scanUnit(engine, reader, received(unit));
  return (Array.isArray(events) ? events : await collectEvents(events)).map(toWire);
}

const port = parentPort;
if (port) {
  const init = workerData as PoolInit;
  const engine = new Engine(init.rules, init.session);
  const reader = new EntryReader();
  // Requests are handled strictly one after another: the reader's buffer holds one file at a time.
  let queue = Promise.resolve();
  port.on("message", (req: PoolRequest) => {
    queue = queue.then(async () => {
      let response: PoolResponse;
      try {
        const results: [number, PoolFileEvents][] = [];
        for (const [i, unit] of req.units.entries()) {
          const events = await scanForWire(engine, reader, unit);
          if (events.length) results.push([i, events]);
        }
        response = { id: req.id, results };
      } catch (err) {
        response = { id: req.id, error: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(response);
    });
  });
}
