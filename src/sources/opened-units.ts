// The registered unit openers (archives, notebooks, image blobs) run over a file of the walk, on the
// thread that scans it (a pool worker or the calling thread), and what they yield is scanned there:
// opened again when another opener claims it (a notebook in a zip), else through the text module
// and the engine, with the unit's line mapping. The orchestrator is meant to do this for every
// source; until it does, the file source calls it here.
import { createReadStream } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { ScanTimeout } from "../engine/session.js";
import { deriveFinding } from "../finding/secret-store.js";
import { textForScan, textStream } from "../text/index.js";
import { openerFor } from "./openers.js";
import { isNotice, type ScanUnit, type Scope } from "./source.js";
import type { Finding } from "../types.js";

export type OpenedEvent = { finding: Finding } | { notice: { path: string; reason: string; incomplete: boolean } };

/** Openers yield openable units only a few levels deep; this stops a format that claims its own output. */
const MAX_REOPEN = 16;

export function sizeScope(maxSize: number): Scope {
  return {
    includes: () => true,
    excludesFolder: () => false,
    maxSize,
    oversize: (path, size) => ({ path, reason: `not scanned: ${size} bytes is over the maximum file size of ${maxSize}`, incomplete: true }),
  };
}

async function* scanUnit(engine: Engine, unit: ScanUnit): AsyncGenerator<OpenedEvent> {
  const map = unit.lines;
  const mapped = (f: Finding): Finding => (map ? deriveFinding(f, { line: map.toUser(f.line), endLine: map.toUser(f.endLine) }) : f);
  const c = unit.content;
  try {
    if (c.kind === "bytes") {
      const data = unit.encoding === "utf8" ? c.data : textForScan(c.data).data;
      for (const f of engine.scanBuffer(data, unit.target)) yield { finding: mapped(f) };
      return;
    }
    const chunks = c.kind === "stream" ? c.chunks : createReadStream(c.abs, { highWaterMark: 1024 * 1024 });
    for await (const f of engine.scanStream(unit.encoding === "utf8" ? chunks : textStream(chunks), unit.target)) yield { finding: mapped(f) };
  } catch (err) {
    if (!(err instanceof ScanTimeout)) throw err;
    yield { notice: { path: unit.target.path, reason: `timed out after ${err.limitMs / 1000} s; not fully scanned`, incomplete: true } };
  }
}

/** The findings and notices of a unit that an opener claims (see openerFor). */
export async function* scanOpenedUnit(engine: Engine, unit: ScanUnit, scope: Scope, depth = 0): AsyncGenerator<OpenedEvent> {
  const opener = openerFor(unit);
  if (!opener) {
    yield* scanUnit(engine, unit);
    return;
  }
  for await (const item of opener.open(unit, scope, depth)) {
    if (isNotice(item)) yield { notice: item.notice };
    else if (depth < MAX_REOPEN && openerFor(item)) yield* scanOpenedUnit(engine, item, scope, depth + 1);
    else yield* scanUnit(engine, item);
  }
}
