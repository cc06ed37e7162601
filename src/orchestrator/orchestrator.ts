// The one loop every source runs through (DESIGN.md "Flow of data"):
//
//   source ──items──▶ admit (scope: globs, size; openers) ──▶ pool (engine on every core)
//          ──events──▶ line mapping ──▶ lines that count ──▶ policy ──▶ dedupe ──▶ findings
//
// Sources only yield units and notices; commands and the public API only pick sources and consume
// findings. What happens in between happens here, once, the same for every source.
import { statSync } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { deriveFinding } from "../finding/secret-store.js";
import type { Policy } from "../policy/policy.js";
import { openerFor, UNIT_OPENERS } from "../sources/openers.js";
import { isNotice, unitSize, type LineRanges, type Scope, type ScanUnit, type Source, type SourceItem, type SourceNotice, type UnitOpener } from "../sources/source.js";
import type { Finding } from "../types.js";
import { pairFindings } from "../pairing/pair.js";
import type { PairingPlan } from "../pairing/plan.js";
import type { PoolInit } from "./pool-worker.js";
import { scanUnits } from "./pool.js";
import { buildScope, type ScopeOptions } from "./scope.js";
import type { FileScanEvent, UnitWork } from "./unit-scan.js";

/** Levels of formats inside formats (a jar in a zip in an image layer) opened before a unit is scanned as it is. */
export const MAX_OPEN_DEPTH = 4;

export interface RunOptions extends ScopeOptions {
  /** Called for every notice, in report order. */
  onNotice?: (notice: SourceNotice) => void;
  /** Called for every unit that is scanned (after the scope admitted it), with its size when known. */
  onUnit?: (unit: { path: string; size: number }) => void;
  /** Report each fingerprint once, at its first occurrence (commit ranges: the commit that introduced it). */
  dedupe?: boolean;
  /** Threads that scan: 1 scans on the calling thread; default one per core. Small inputs never start workers. */
  jobs?: number;
  /** Input size below which no worker is started (default 256 units and 8 MiB); for tests. */
  pool?: { minFiles?: number; minBytes?: number };
  /** Formats that open units (default: the registered ones, src/sources/openers.ts). */
  openers?: readonly UnitOpener[];
}

/** Runs sources through an orchestrator (a Scanner's `scan`). */
export type RunSources = (sources: Source | readonly Source[], options?: RunOptions) => AsyncGenerator<Finding>;

/** What the orchestrator drives: the compiled engine, what a worker needs to build the same one, and the policy. */
export interface OrchestratorParts {
  engine: Engine;
  init: PoolInit;
  policy: Policy;
  /** The configuration's scope, which each run's options may narrow or replace (CLI flags). */
  scope: ScopeOptions;
  /** Which rules make multi-part findings (src/pairing/), from the engine's rules. */
  pairing: PairingPlan;
}

/** A unit as admitted: what a thread is given, and the notices that precede it in report order. */
interface Admitted {
  unit: ScanUnit;
  /** Undefined when the unit is opened by a format rather than scanned itself. */
  work: UnitWork | undefined;
  size: number;
  before: SourceNotice[] | undefined;
  opener: UnitOpener | undefined;
}

function touches(f: { line: number; endLine: number }, ranges: LineRanges): boolean {
  for (const [a, b] of ranges) if (f.line <= b && f.endLine >= a) return true;
  return false;
}

function touchesAny(f: Finding, ranges: LineRanges): boolean {
  return f.parts ? f.parts.some((p) => touches(p, ranges)) : touches(f, ranges);
}

export class Orchestrator {
  constructor(private readonly parts: OrchestratorParts) {}

  /** The scope a run with these options has: its own globs and limits where given, else the configuration's. */
  scopeFor(o: ScopeOptions = {}): Scope {
    const c = this.parts.scope;
    return buildScope({
      include: o.include ?? c.include,
      exclude: o.exclude ?? c.exclude,
      maxFileSize: o.maxFileSize ?? c.maxFileSize,
      gitignore: o.gitignore ?? c.gitignore,
    });
  }

  /** Findings of every source in turn, after policy; notices through `onNotice` in their place. */
  async *run(sources: Source | readonly Source[], options: RunOptions = {}): AsyncGenerator<Finding> {
    const scope = this.scopeFor(options);
    const seen = options.dedupe ? new Set<string>() : undefined;
    for (const source of Array.isArray(sources) ? sources : [sources as Source]) {
      yield* this.items(source.items(scope), scope, options, seen, 0);
    }
  }

  private async *items(items: Iterable<SourceItem> | AsyncIterable<SourceItem>, scope: Scope, o: RunOptions, seen: Set<string> | undefined, depth: number): AsyncGenerator<Finding> {
    const openers = depth >= MAX_OPEN_DEPTH ? [] : (o.openers ?? UNIT_OPENERS);
    const trailing: SourceNotice[] = [];
    const off = depth >= MAX_OPEN_DEPTH;
    const admitted = Symbol.asyncIterator in items ? admitAsync(items, scope, openers, trailing, off) : admitSync(items, scope, openers, trailing, off);
    const scanned = scanUnits(this.parts.engine, admitted, {
      jobs: o.jobs,
      init: this.parts.init,
      ...o.pool,
      work: (a) => a.work,
      size: (a) => a.size,
    });
    for await (const batch of scanned) {
      for (const { item, events } of batch) {
        if (item.before) for (const n of item.before) o.onNotice?.(n);
        if (item.opener) {
          yield* this.items(item.opener.open(item.unit, scope, depth + 1), scope, o, seen, depth + 1);
          continue;
        }
        // A unit's findings are paired once the unit is done (a streamed unit's findings — few — wait
        // for its end; its bytes do not). Most units' events are already an array: iterated without
        // a promise per event. A walked file's size comes with its events.
        const found: Finding[] = [];
        let size = item.size;
        if (Array.isArray(events)) for (const ev of events) size = this.located(item.unit, ev, o, found) ?? size;
        else for await (const ev of events) size = this.located(item.unit, ev, o, found) ?? size;
        o.onUnit?.({ path: item.unit.target.path, size });
        if (found.length) yield* this.judged(item.unit, found, seen);
      }
    }
    for (const n of trailing) o.onNotice?.(n);
  }

  /** An engine event of `unit` with the user's lines (notices go out at once); a size event's size. */
  private located(unit: ScanUnit, ev: FileScanEvent, o: RunOptions, found: Finding[]): number | undefined {
    if ("size" in ev) return ev.size;
    if ("notice" in ev) {
      o.onNotice?.({ path: unit.target.path, ...ev.notice });
      return;
    }
    let f = ev.finding;
    const map = unit.lines;
    if (map) f = deriveFinding(f, { line: map.toUser(f.line), endLine: map.toUser(f.endLine) });
    if (unit.target.layer !== undefined) f = deriveFinding(f, { layer: unit.target.layer });
    found.push(f);
    return undefined;
  }

  /** A unit's findings as the user should see them: paired, only lines that count, policy, once. */
  private judged(unit: ScanUnit, found: Finding[], seen: Set<string> | undefined): Finding[] {
    const out: Finding[] = [];
    for (const f of pairFindings(this.parts.pairing, found)) {
      // A pair counts when any of its parts is on a line that counts (an added secret beside an old id).
      if (unit.counts && !touchesAny(f, unit.counts)) continue;
      for (const g of this.parts.policy.apply(f)) {
        if (seen) {
          if (seen.has(g.fingerprint)) continue;
          seen.add(g.fingerprint);
        }
        out.push(g);
      }
    }
    return out;
  }
}

/**
 * The scope's verdict on a unit (globs, size), and whether a format opens it. Notices are gathered
 * until the next admitted unit, which carries them, so they keep their place however far ahead the
 * pool reads; those after the last unit end up in `trailing`.
 */
function admit(item: SourceItem, scope: Scope, openers: readonly UnitOpener[], pending: SourceNotice[], openersOff = false): Admitted | undefined {
  if (isNotice(item)) {
    pending.push(item.notice);
    return undefined;
  }
  if (!item.named && !scope.includes(item.target.path)) return undefined;
  const opener = openers.length ? openerFor(item, openers) : undefined;
  const tooDeep = !opener && openersOff && openerFor(item) !== undefined;
  const c = item.content;
  if ((opener || tooDeep) && c.kind === "file" && c.size === undefined) {
    // A format that opens a file judges it by its size (limits): a walked file, not stat()ed so far, is now.
    try {
      item = { ...item, content: { ...c, size: statSync(c.abs).size } };
    } catch (err) {
      pending.push({ path: item.target.path, reason: `cannot stat (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true });
      return undefined;
    }
  }
  const size = unitSize(item);
  // Over the size limit a unit is still scanned if it starts as text (unit-scan.ts): never dropped here.
  const unit: ScanUnit = size > scope.maxSize && item.overLimit === undefined ? { ...item, overLimit: scope.maxSize } : item;
  if (tooDeep) {
    // Too deep to open once more: said, not scanned as opaque bytes.
    pending.push({ path: unit.target.path, reason: `not scanned: nested more than ${MAX_OPEN_DEPTH} formats deep`, incomplete: true });
    return undefined;
  }
  const sizeUnknown = unit.content.kind === "file" && unit.content.size === undefined;
  const work: UnitWork | undefined = opener
    ? undefined
    : { target: unit.target, content: unit.content, ...(unit.encoding && { encoding: unit.encoding }), ...(unit.overLimit !== undefined && { overLimit: unit.overLimit }), ...(sizeUnknown && { maxSize: scope.maxSize }) };
  return { unit, work, size, before: pending.length ? pending.splice(0) : undefined, opener };
}

function* admitSync(items: Iterable<SourceItem>, scope: Scope, openers: readonly UnitOpener[], trailing: SourceNotice[], off: boolean): Generator<Admitted> {
  for (const item of items) {
    const a = admit(item, scope, openers, trailing, off);
    if (a) yield a;
  }
}

async function* admitAsync(items: AsyncIterable<SourceItem>, scope: Scope, openers: readonly UnitOpener[], trailing: SourceNotice[], off: boolean): AsyncGenerator<Admitted> {
  for await (const item of items) {
    const a = admit(item, scope, openers, trailing, off);
    if (a) yield a;
  }
}
