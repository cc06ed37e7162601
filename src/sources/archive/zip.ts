// Zip entries through yauzl (random access: the central directory is read first, so every entry's
// declared sizes are known before a byte is inflated; yauzl also checks the inflated size against
// the declared one). A zip on disk is read through its descriptor, never loaded whole.
import { closeSync, openSync } from "node:fs";
import type { Readable } from "node:stream";
import type Yauzl from "yauzl";
import { yauzl } from "../../deferred-imports.js";

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  directory: boolean;
  open(): Promise<AsyncIterable<Buffer>>;
}

// autoClose off: yauzl would close a descriptor between two lazily read entries; close() in zipEntries does it.
/**
 * A yauzl stream's chunks, read by its events: its async iterator never ends for an entry read
 * from a descriptor (seen with yauzl 3.2), while 'data' and 'end' do arrive.
 */
async function* chunks(stream: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  stream.on("data", (c: Buffer) => {
    queue.push(c);
    if (queue.length > 8) stream.pause();
    poke();
  });
  stream.on("end", () => {
    ended = true;
    poke();
  });
  stream.on("error", (err: Error) => {
    failed = err;
    poke();
  });
  try {
    for (;;) {
      if (queue.length) {
        const c = queue.shift()!;
        if (queue.length <= 2) stream.resume();
        yield c;
        continue;
      }
      if (failed) throw failed;
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    if (!ended) stream.destroy();
  }
}

const OPTIONS = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false } as const;

function openZip(input: { kind: "bytes"; data: Buffer } | { kind: "file"; abs: string | Uint8Array }): Promise<Yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip: Yauzl.ZipFile) => (err ? reject(err) : resolve(zip));
    if (input.kind === "bytes") {
      yauzl().fromBuffer(input.data, OPTIONS, done);
      return;
    }
    const fd = openSync(typeof input.abs === "string" ? input.abs : Buffer.from(input.abs), "r");
    yauzl().fromFd(fd, OPTIONS, (err, zip) => {
      if (err) closeSync(fd);
      done(err, zip);
    });
  });
}

/**
 * Names are decoded here rather than by yauzl, which rejects a whole archive for one entry named
 * `../x` or `/x`: such names are shown normalised (entry-name.ts) and the entry is scanned. UTF-8
 * when the entry says so (flag bit 11), else read byte for byte (CP437 and Latin-1 agree on ASCII).
 */
function nameOf(e: Yauzl.Entry): string {
  const raw = e.fileName as unknown as Buffer;
  return raw.toString((e.generalPurposeBitFlag & 0x800) !== 0 ? "utf8" : "latin1");
}

/** The zip's entries in central-directory order; each must be opened (or passed over) before the next is asked for. */
export async function* zipEntries(input: { kind: "bytes"; data: Buffer } | { kind: "file"; abs: string | Uint8Array }): AsyncGenerator<ZipEntryInfo> {
  const zip = await openZip(input);
  let failed: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  let next: Yauzl.Entry | undefined;
  zip.on("entry", (e: Yauzl.Entry) => {
    next = e;
    wake?.();
  });
  zip.on("end", () => {
    ended = true;
    wake?.();
  });
  zip.on("error", (err: Error) => {
    failed = err;
    wake?.();
  });
  try {
    for (;;) {
      next = undefined;
      const arrived = new Promise<void>((r) => (wake = r));
      zip.readEntry();
      if (!next && !ended && !failed) await arrived;
      if (failed) throw failed;
      const e = next as Yauzl.Entry | undefined;
      if (!e) return;
      yield {
        name: nameOf(e),
        compressedSize: e.compressedSize,
        uncompressedSize: e.uncompressedSize,
        encrypted: e.isEncrypted(),
        directory: nameOf(e).endsWith("/"),
        open: () => new Promise((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(chunks(s))))),
      };
    }
  } finally {
    zip.close();
  }
}
