// Openers run on the scanning thread, for a unit that only its bytes show to be an archive (a
// renamed zip, an image layer blob without a name): unit-scan.ts finds that out when it reads the
// unit, in a pool worker or on the calling thread, and opens it there rather than send the bytes
// back. What the opener yields is scanned there too: opened again when an opener claims it (a
// notebook in a zip), else through the text module and the engine, with its own line mapping.
// Units that a name already shows to be a format are opened by the orchestrator itself.
import { createReadStream } from "node:fs";
import type { Engine } from "../engine/engine.js";
import { ScanTimeout } from "../engine/session.js";
import { deriveFinding } from "../finding/secret-store.js";
import { textForScan, textStream } from "../text/index.js";
import { openerFor } from "../sources/openers.js";
import { isNotice, type ScanUnit, type Scope } from "../sources/source.js";
import { buildScope } from "./scope.js";
import { archiveItems } from "../sources/archive/read.js";
import { ArchiveBudget, DEFAULT_ARCHIVE_LIMITS } from "../sources/archive/limits.js";
import type { ArchiveFormat } from "../sources/archive/format.js";
import type { Finding } from "../types.js";

export type OpenedEvent = { finding: Finding } | { notice: { path: string; reason: string; incomplete: boolean } };

/** Openers yield openable units only a few levels deep; this stops a format that claims its own output. */
const MAX_REOPEN = 16;

/** The scope inside an opened unit: the size limit only (the unit itself passed the globs). */
export function sizeScope(maxSize: number): Scope {
  return buildScope({ maxFileSize: maxSize });
}

async function* scanUnit(engine: Engine, unit: ScanUnit): AsyncGenerator<OpenedEvent> {
  const map = unit.lines;
  const mapped = (f: Finding): Finding => (map ? deriveFinding(f, { line: map.toUser(f.line), endLine: map.toUser(f.endLine) }) : f);
  const layer = unit.target.layer;
  const withLayer = (f: Finding): Finding => (layer === undefined ? f : deriveFinding(f, { layer }));
  const c = unit.content;
  try {
    if (c.kind === "bytes") {
      const data = unit.encoding === "utf8" ? c.data : textForScan(c.data).data;
      for (const f of engine.scanBuffer(data, unit.target)) yield { finding: withLayer(mapped(f)) };
      return;
    }
    const chunks = c.kind === "stream" ? c.chunks : createReadStream(c.abs, { highWaterMark: 1024 * 1024 });
    for await (const f of engine.scanStream(unit.encoding === "utf8" ? chunks : textStream(chunks), unit.target)) yield { finding: withLayer(mapped(f)) };
  } catch (err) {
    if (!(err instanceof ScanTimeout)) throw err;
    yield { notice: { path: unit.target.path, reason: `timed out after ${err.limitMs / 1000} s; not fully scanned`, incomplete: true } };
  }
}

/** The findings and notices of an archive whose format its first bytes told (`format`), whatever its name. */
export async function* scanArchiveUnit(engine: Engine, unit: ScanUnit, format: ArchiveFormat, scope: Scope): AsyncGenerator<OpenedEvent> {
  const budget = new ArchiveBudget({ ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: Math.min(DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, scope.maxSize) }, scope.includes);
  for await (const item of archiveItems(unit.target, format, unit.content, 1, budget)) {
    if (isNotice(item)) yield { notice: item.notice };
    else if (openerFor(item)) yield* scanOpenedUnit(engine, item, scope, 1);
    else yield* scanUnit(engine, item);
  }
}

/** The findings and notices of a unit that an opener claims (see openerFor). */
export async function* scanOpenedUnit(engine: Engine, unit: ScanUnit, scope: Scope, depth = 0): AsyncGenerator<OpenedEvent> {
  const opener = openerFor(unit);
  if (!opener) {
    yield* scanUnit(engine, unit);
    return;
  }
  for await (const item of opener.open(unit, scope, depth + 1)) {
    if (isNotice(item)) yield { notice: item.notice };
    else if (depth < MAX_REOPEN && openerFor(item)) yield* scanOpenedUnit(engine, item, scope, depth + 1);
    else yield* scanUnit(engine, item);
  }
}
