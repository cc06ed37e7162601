// A pool worker: reads the files it is sent and scans them with its own engine (compiled once, from
// the rules the main thread passed in). Findings go back with their secrets beside them, as a
// separate field, because the main thread's secret store (a WeakMap) cannot see across threads.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../engine/engine.js";
import { revealSecret } from "../engine/secret-store.js";
import { readForScan, wholeFileContent, WHOLE_READ_LIMIT, type FileContent, type FileEntry } from "./files.js";
import { scanFileContent, type FileNotice } from "./file-scan.js";
import type { SessionOptions } from "../engine/session.js";
import type { Finding, Rule } from "../types.js";

export interface PoolInit {
  rules: Rule[];
  session: SessionOptions;
}

export interface PoolRequest {
  id: number;
  files: FileEntry[];
}

/** A finding travels with its raw secret beside it, so the finding itself never holds the secret. */
export type WireEvent = { finding: Finding; secret: string } | { notice: FileNotice };

/** One file's events in the order the engine produced them (a mid-read failure follows earlier findings). */
export interface PoolFileResult {
  events: WireEvent[];
}

export type PoolResponse = { id: number; results: PoolFileResult[] } | { id: number; error: string };

/**
 * Small files are read synchronously: this thread has nothing else to do meanwhile, and one
 * blocking read costs far less than the four promise round trips of an asynchronous one.
 */
async function read(entry: FileEntry): Promise<FileContent | Error> {
  try {
    return entry.size <= WHOLE_READ_LIMIT ? wholeFileContent(readFileSync(entry.abs)) : await readForScan(entry);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

async function scanEntry(engine: Engine, entry: FileEntry): Promise<PoolFileResult> {
  const events: WireEvent[] = [];
  for await (const ev of scanFileContent(engine, entry.rel, await read(entry))) {
    events.push("notice" in ev ? ev : { finding: ev.finding, secret: revealSecret(ev.finding) ?? "" });
  }
  return { events };
}

const port = parentPort;
if (port) {
  const init = workerData as PoolInit;
  const engine = new Engine(init.rules, init.session);
  port.on("message", async (req: PoolRequest) => {
    let response: PoolResponse;
    try {
      const results: PoolFileResult[] = [];
      for (const entry of req.files) results.push(await scanEntry(engine, entry));
      response = { id: req.id, results };
    } catch (err) {
      response = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(response);
  });
}
