// An archive's entries as scan units, in archive order, with nested archives opened in place up to
// the depth limit: `bundle.zip!config/app.env`, `a.zip!b.tgz!c.env`. Nothing is written to disk.
// Tar and gzip are read as streams (a tar inside a tar.gz inside a tar, as image layers are, never
// sits in memory); a zip needs random access, so a zip inside another archive is held in memory
// (up to the entry limit). Whatever a limit, damage or encryption stops is a notice with
// `incomplete: true`, named by the path of the archive or entry it concerns.
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { createReadStream } from "node:fs";
import { tarStream } from "../../deferred-imports.js";
import type { ScanUnit, SourceItem, SourceNotice, UnitTarget } from "../source.js";
import { isWhiteout, layerDigest } from "../image/layout.js";
import { entryName } from "./entry-name.js";
import { archiveFormat, formatByMagic, MAGIC_BYTES, type ArchiveFormat } from "./format.js";
import { ArchiveBudget, ArchiveLimitError, RATIO_FLOOR } from "./limits.js";
import { zipEntries } from "./zip.js";

export type ArchiveInput = { kind: "bytes"; data: Buffer } | { kind: "file"; abs: string | Uint8Array; size?: number } | { kind: "stream"; chunks: AsyncIterable<Buffer> };

const incomplete = (path: string, reason: string): { notice: SourceNotice } => ({ notice: { path, reason, incomplete: true } });

function chunksOf(input: ArchiveInput): AsyncIterable<Buffer> {
  if (input.kind === "stream") return input.chunks;
  if (input.kind === "bytes") return Readable.from([input.data]);
  return createReadStream(typeof input.abs === "string" ? input.abs : Buffer.from(input.abs), { highWaterMark: 1024 * 1024 });
}

/** Reads the first `n` bytes of a stream; the rest follows in `rest`, the head included. */
async function peek(chunks: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(seen);
  const rest = (async function* () {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  return { head, rest };
}

/** A stream read into memory, refused past `max` bytes. */
async function collect(chunks: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new ArchiveLimitError(`not scanned: over the ${max}-byte limit for an archive entry held in memory`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/**
 * Inflated gzip bytes, held to the ratio guard as they come (the budget counts the bytes of the
 * entries they hold, where they are used, so nothing is counted twice).
 */
async function* gunzip(chunks: AsyncIterable<Buffer>, budget: ArchiveBudget): AsyncGenerator<Buffer> {
  let inBytes = 0;
  let outBytes = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const c of chunks) {
        inBytes += c.length;
        yield c;
      }
    })(),
  );
  const gz = createGunzip();
  counted.on("error", (err) => gz.destroy(err));
  counted.pipe(gz);
  const { maxRatio, maxTotalBytes } = budget.limits;
  try {
    for await (const out of gz as AsyncIterable<Buffer>) {
      outBytes += out.length;
      if (outBytes > maxTotalBytes) throw new ArchiveLimitError(`not fully scanned: more than ${maxTotalBytes} bytes uncompressed (archive size limit)`);
      if (outBytes > RATIO_FLOOR && outBytes > Math.max(inBytes, 1) * maxRatio) throw new ArchiveLimitError(`not fully scanned: compression ratio over ${maxRatio}:1 (zip bomb guard)`);
      yield out;
    }
  } finally {
    gz.destroy();
    counted.destroy();
  }
}

function innerTarget(outer: UnitTarget, name: string, layer?: string): UnitTarget {
  return { ...outer, path: `${outer.path}!${name}`, ...(layer && { layer }) };
}

/**
 * An entry too large to hold in memory, as a stream unit: scanned as it is read (a size limit never
 * lets a secret pass). The budget still counts its bytes; a limit or damage met while the scanner
 * reads it ends the stream early, and the reason is a notice after it.
 */
async function* streamedEntry(target: UnitTarget, chunks: AsyncIterable<Buffer>, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  if (!budget.includes(target.path)) {
    // The scope would drop it unread, and the archive could not go on until it was read.
    for await (const _ of chunks);
    return;
  }
  let stopped: string | undefined;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const limited = (async function* () {
    try {
      for await (const c of chunks) {
        budget.bytes += c.length;
        if (budget.bytes > budget.limits.maxTotalBytes) throw new ArchiveLimitError(`not fully scanned: more than ${budget.limits.maxTotalBytes} bytes uncompressed (archive size limit)`);
        yield c;
      }
    } catch (err) {
      stopped = err instanceof ArchiveLimitError ? err.message : `not fully scanned: damaged or truncated entry (${(err as Error).message.split("\n")[0]!.slice(0, 120)})`;
    } finally {
      release();
    }
  })();
  yield { target, content: { kind: "stream", chunks: limited } };
  // The next entry can only be read once the scanner is done with this one (it may ask for the next
  // item before that): wait for it to read the stream to its end or to stop, then drain what is left.
  await released;
  for await (const _ of chunks);
  if (stopped) yield incomplete(target.path, stopped);
}

/** An entry's bytes: scanned as a unit, or opened as an archive when it is one. */
async function* entryItems(target: UnitTarget, data: Buffer, depth: number, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  const format = archiveFormat(target.path, data.subarray(0, MAGIC_BYTES));
  if (format) {
    yield* archiveItems(target, format, { kind: "bytes", data }, depth + 1, budget);
    return;
  }
  const unit: ScanUnit = { target, content: { kind: "bytes", data } };
  yield unit;
}

async function* zipItems(outer: UnitTarget, input: ArchiveInput, depth: number, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  const { maxEntries, maxEntryBytes, maxRatio, maxTotalBytes } = budget.limits;
  const source = input.kind === "stream" ? { kind: "bytes" as const, data: await collect(input.chunks, maxEntryBytes) } : input;
  for await (const e of zipEntries(source)) {
    if (e.directory) continue;
    const target = innerTarget(outer, entryName(e.name));
    if (++budget.entries > maxEntries) {
      yield incomplete(outer.path, `not fully scanned: more than ${maxEntries} entries (archive entry limit)`);
      return;
    }
    if (e.encrypted) {
      yield incomplete(target.path, "not scanned: encrypted archive entry");
      continue;
    }
    if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > Math.max(e.compressedSize, 1) * maxRatio) {
      yield incomplete(target.path, `not scanned: compression ratio over ${maxRatio}:1 (zip bomb guard)`);
      continue;
    }
    if (budget.bytes + e.uncompressedSize > maxTotalBytes) {
      yield incomplete(outer.path, `not fully scanned: more than ${maxTotalBytes} bytes uncompressed (archive size limit)`);
      return;
    }
    if (e.uncompressedSize > maxEntryBytes) {
      const { head, rest } = await peek(await e.open(), MAGIC_BYTES);
      if (archiveFormat(target.path, head) === "zip") {
        for await (const _ of rest);
        yield incomplete(target.path, `not scanned: a zip of ${e.uncompressedSize} bytes inside an archive is over the ${maxEntryBytes}-byte limit for one held in memory`);
      } else {
        yield* streamedEntry(target, rest, budget);
      }
      continue;
    }
    let stream: AsyncIterable<Buffer>;
    try {
      stream = await e.open();
    } catch (err) {
      // An entry this reader cannot inflate (a compression method yauzl lacks): said, and the rest go on.
      yield incomplete(target.path, `not scanned: ${(err as Error).message.split("\n")[0]!.slice(0, 120)}`);
      continue;
    }
    const data = await collect(stream, maxEntryBytes);
    budget.bytes += data.length;
    yield* entryItems(target, data, depth, budget);
  }
}

async function* tarItems(outer: UnitTarget, chunks: AsyncIterable<Buffer>, depth: number, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  const { maxEntries, maxEntryBytes } = budget.limits;
  const extract = tarStream().extract();
  const input = Readable.from(chunks);
  input.on("error", (err) => extract.destroy(err));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      // Links, folders and devices hold no content of their own; whiteouts only mark a deletion.
      const name = entryName(h.name);
      if ((h.type !== "file" && h.type !== "contiguous-file") || isWhiteout(name)) {
        entry.resume();
        continue;
      }
      if (++budget.entries > maxEntries) {
        entry.resume();
        yield incomplete(outer.path, `not fully scanned: more than ${budget.limits.maxEntries} entries (archive entry limit)`);
        return;
      }
      const target = innerTarget(outer, name, layerDigest(`${outer.path}!${name}`));
      const { head, rest } = await peek(entry, MAGIC_BYTES);
      const format = archiveFormat(name, head);
      if (format === "tar" || format === "gzip") {
        // Opened as it streams: an image layer is never held in memory.
        yield* archiveItems(target, format, { kind: "stream", chunks: rest }, depth + 1, budget);
        for await (const _ of rest); // whatever a limit left unread, so the next entry can start
        continue;
      }
      if ((h.size ?? 0) > maxEntryBytes) {
        if (format === "zip") {
          for await (const _ of rest);
          yield incomplete(target.path, `not scanned: a zip of ${h.size} bytes inside an archive is over the ${maxEntryBytes}-byte limit for one held in memory`);
        } else {
          yield* streamedEntry(target, rest, budget);
        }
        continue;
      }
      const data = await collect(rest, maxEntryBytes);
      budget.bytes += data.length;
      if (budget.bytes > budget.limits.maxTotalBytes) {
        yield incomplete(outer.path, `not fully scanned: more than ${budget.limits.maxTotalBytes} bytes uncompressed (archive size limit)`);
        return;
      }
      yield* entryItems(target, data, depth, budget);
    }
  } finally {
    extract.destroy();
    input.destroy();
  }
}

async function* gzipItems(outer: UnitTarget, chunks: AsyncIterable<Buffer>, depth: number, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  const { head, rest } = await peek(gunzip(chunks, budget), MAGIC_BYTES);
  if (formatByMagic(head) === "tar") {
    // tar.gz / tgz: one archive, its entries named straight after the outer name.
    yield* tarItems(outer, rest, depth, budget);
    return;
  }
  const base = outer.path.slice(Math.max(outer.path.lastIndexOf("/"), outer.path.lastIndexOf("!")) + 1);
  const inner = /\.gz$/i.test(base) ? base.slice(0, -3) : /\.tgz$/i.test(base) ? `${base.slice(0, -4)}.tar` : `${base || "content"}.gunzipped`;
  const target = innerTarget(outer, inner);
  if (formatByMagic(head) === "zip") {
    yield* entryItems(target, await collect(rest, budget.limits.maxEntryBytes), depth, budget);
    return;
  }
  // Anything else (a log, a SQL dump) is scanned as it inflates, whatever its size.
  yield* streamedEntry(target, rest, budget);
}

/**
 * The items of one archive at nesting level `depth` (an archive given to scan is level 1). Errors
 * of the format (damage, truncation) and limits end this archive with a notice; the items already
 * yielded stand.
 */
export async function* archiveItems(outer: UnitTarget, format: ArchiveFormat, input: ArchiveInput, depth: number, budget: ArchiveBudget): AsyncGenerator<SourceItem> {
  if (depth > budget.limits.maxDepth) {
    yield incomplete(outer.path, `not scanned: archive nested more than ${budget.limits.maxDepth} levels deep`);
    return;
  }
  try {
    if (format === "zip") yield* zipItems(outer, input, depth, budget);
    else if (format === "tar") yield* tarItems(outer, chunksOf(input), depth, budget);
    else yield* gzipItems(outer, chunksOf(input), depth, budget);
  } catch (err) {
    if (err instanceof ArchiveLimitError) {
      yield incomplete(outer.path, err.message);
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    // A file that vanished or cannot be read is a read failure, like any file's.
    if (code && /^E[A-Z]+$/.test(code) && !code.startsWith("ERR_")) {
      yield incomplete(outer.path, `cannot read (${code})`);
      return;
    }
    yield incomplete(outer.path, `not fully scanned: damaged or truncated ${format === "gzip" ? "gzip" : format} archive (${(err as Error).message.split("\n")[0]!.slice(0, 120)})`);
  }
}
