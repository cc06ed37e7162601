// Which archive format a unit is, from its name or its first bytes (a renamed archive, an OCI blob
// without an extension): zip (and everything built on it: jar, war, apk, whl, nupkg, Office files),
// tar, and gzip (tgz and tar.gz are gzip holding a tar; the reader looks inside).
import { closeSync, openSync, readSync } from "node:fs";

export type ArchiveFormat = "zip" | "tar" | "gzip";

const BY_EXTENSION: Record<string, ArchiveFormat> = {};
for (const ext of "zip jar war ear aar apk whl egg nupkg snupkg xpi vsix crx ipa docx xlsx pptx odt ods odp epub".split(" ")) BY_EXTENSION[ext] = "zip";
for (const ext of "tar".split(" ")) BY_EXTENSION[ext] = "tar";
for (const ext of "gz tgz".split(" ")) BY_EXTENSION[ext] = "gzip";

/** The format a name says (the part after the last `!` and `/`), if any. */
export function formatByName(path: string): ArchiveFormat | undefined {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("!")) + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? BY_EXTENSION[base.slice(dot + 1).toLowerCase()] : undefined;
}

/** How many first bytes formatByMagic needs to see (the tar magic sits at offset 257). */
export const MAGIC_BYTES = 512;

/** The first MAGIC_BYTES of a file on disk (fewer when it is shorter): what formatByMagic reads. */
export function readMagicHead(abs: string | Buffer): Buffer {
  const head = Buffer.alloc(MAGIC_BYTES);
  const fd = openSync(abs, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, MAGIC_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** The format the first bytes say, if any. */
export function formatByMagic(head: Uint8Array): ArchiveFormat | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return "zip";
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return "gzip";
  // Byte by byte: this runs for every file of a walk, and a view and a string per file showed.
  if (head.length >= 262 && head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72) return "tar"; // "ustar"
  return undefined;
}

export function archiveFormat(path: string, head?: Uint8Array): ArchiveFormat | undefined {
  return (head && formatByMagic(head)) ?? formatByName(path);
}

/** Compressed formats keyfence has no reader for, by magic bytes: scanned for printable runs, but said. */
const UNREAD: [string, number[]][] = [
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["rar", [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
  ["bzip2", [0x42, 0x5a, 0x68]],
];

/** First bytes of those formats: most files start with none of them and are done with one lookup. */
const UNREAD_FIRST = new Set(UNREAD.map(([, magic]) => magic[0]!));

/** The name of a compressed format without a reader that `head` starts, if any. */
export function formatWithoutReader(head: Uint8Array): string | undefined {
  if (!head.length || !UNREAD_FIRST.has(head[0]!)) return undefined;
  for (const [name, magic] of UNREAD) if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return name === "bzip2" && !(head[3]! >= 0x31 && head[3]! <= 0x39) ? undefined : name;
  return undefined;
}
