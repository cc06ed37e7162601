// Image blobs as a unit opener: in an OCI layout folder (or an unpacked `docker save`), a blob named
// by its digest is a layer (a tar, usually gzipped: every file of it is scanned, named
// `…/blobs/sha256/<digest>!etc/app.env`, the digest also in the target's `layer`) or the image
// config (its Env and build history scanned as lines, see config.ts); any other blob (a manifest)
// is scanned as it is. Inside an image tarball, layers are opened by the archive reader itself;
// this opener then sees only the config blobs.
import { createReadStream, readFileSync } from "node:fs";
import type { ScanUnit, Scope, SourceItem, UnitOpener } from "../source.js";
import { ArchiveBudget, DEFAULT_ARCHIVE_LIMITS } from "../archive/limits.js";
import { formatByMagic, MAGIC_BYTES, readMagicHead } from "../archive/format.js";
import { archiveItems } from "../archive/read.js";
import { imageConfigText } from "./config.js";
import { layerDigest, mayBeImageConfig } from "./layout.js";

export const imageBlobOpener: UnitOpener = {
  name: "image",
  claims(unit) {
    if (!mayBeImageConfig(unit.target.path)) return false;
    // Bytes already read (an entry of an image tarball): only a config is ours; a layer there was opened as an archive.
    if (unit.content.kind === "bytes") return imageConfigText(unit.content.data) !== undefined;
    return unit.content.kind === "file";
  },
  async *open(unit: ScanUnit, scope: Scope, depth: number): AsyncGenerator<SourceItem> {
    const c = unit.content;
    if (c.kind === "file") {
      // The orchestrator stats a file before an opener sees it; unknown is read as large (streamed).
      const small = c.size !== undefined && c.size <= scope.maxSize;
      const data = small ? readFileSync(c.abs) : undefined;
      const format = formatByMagic(data?.subarray(0, MAGIC_BYTES) ?? readMagicHead(c.abs));
      const layer = layerDigest(unit.target.path);
      if (format && format !== "zip") {
        const target = { ...unit.target, ...(layer && { layer }) };
        yield* archiveItems(target, format, data ? { kind: "bytes", data } : c, Math.max(depth, 1), new ArchiveBudget({ ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: Math.min(DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, scope.maxSize) }, scope.includes));
        return;
      }
      const config = data && imageConfigText(data);
      if (config) yield { target: { ...unit.target, path: `${unit.target.path}#config` }, content: { kind: "bytes", data: config }, encoding: "utf8" };
      // Not a layer nor a config (a manifest, an index): scanned as the file it is.
      else yield { ...unit, content: data ? { kind: "bytes", data } : { kind: "stream", chunks: createReadStream(c.abs, { highWaterMark: 1024 * 1024 }) } };
      return;
    }
    if (c.kind === "bytes") {
      const config = imageConfigText(c.data);
      if (config) yield { target: { ...unit.target, path: `${unit.target.path}#config` }, content: { kind: "bytes", data: config }, encoding: "utf8" };
    }
  },
};
