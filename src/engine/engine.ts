// The engine's face: whole buffers and byte streams in, findings out. It knows nothing of files or git.
import { runKey } from "../finding/run-key.js";
import { compileRuleSet, type RuleSet } from "./compile.js";
import { ScanSession, type SessionOptions } from "./session.js";
import type { Finding, Rule, ScanTarget } from "../types.js";

export class Engine {
  readonly ruleSet: RuleSet;

  private readonly options: SessionOptions;

  constructor(rules: readonly Rule[] | RuleSet, options: SessionOptions = {}) {
    this.ruleSet = Array.isArray(rules) ? compileRuleSet(rules) : (rules as RuleSet);
    // Without a key, digests are keyed with the run's key: comparable within the run, never outside it.
    this.options = options.fingerprintKey ? options : { ...options, fingerprintKey: runKey() };
  }

  /** Every finding in `data`, in offset order. */
  scanBuffer(data: Buffer, target: ScanTarget): Finding[] {
    const out: Finding[] = [];
    const s = new ScanSession(this.ruleSet, target, (f) => out.push(f), this.options);
    s.end(data);
    return out;
  }

  /** Findings of a byte stream, yielded as soon as they are certain; same results as scanBuffer. */
  async *scanStream(chunks: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, target: ScanTarget): AsyncGenerator<Finding> {
    let ready: Finding[] = [];
    const s = new ScanSession(this.ruleSet, target, (f) => ready.push(f), this.options);
    for await (const chunk of chunks) {
      s.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (ready.length) {
        const batch = ready;
        ready = [];
        yield* batch;
      }
    }
    s.end();
    yield* ready;
  }

  /** A push-style session, for sources that already own a read loop (git pipes, workers). */
  session(target: ScanTarget, emit: (f: Finding) => void): ScanSession {
    return new ScanSession(this.ruleSet, target, emit, this.options);
  }
}
