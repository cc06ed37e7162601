// Container images as files: a `docker save` or OCI image tarball, or an OCI layout folder, holds
// its layers and its config as blobs named by digest (`blobs/sha256/<hex>`; the older docker format
// `<id>/layer.tar` and `<hex>.json`). Only names are read here; the readers open the blobs.

const BLOB = /(?:^|[/!])blobs\/sha256\/([0-9a-f]{64})$/;
const LEGACY_LAYER = /(?:^|[/!])([0-9a-f]{64})\/layer\.tar$/;
const LEGACY_CONFIG = /(?:^|[/!])([0-9a-f]{64})\.json$/;

/** The layer digest a blob's name carries (`sha256:<hex>`), if the name is an image blob or layer. */
export function layerDigest(path: string): string | undefined {
  const m = BLOB.exec(path) ?? LEGACY_LAYER.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}

/** Whether a name may be an image's config (a blob by digest, or the older `<hex>.json`). */
export function mayBeImageConfig(path: string): boolean {
  return BLOB.test(path) || LEGACY_CONFIG.test(path);
}

/**
 * A whiteout marks a file or folder that a layer deletes from the layers below (`.wh.<name>`, and
 * `.wh..wh..opq` for "everything below"). It holds no content. The deleted file's bytes remain in
 * the lower layer, in every copy of the image: keyfence reports a secret there with that layer, as
 * history, whether or not a later layer deletes it.
 */
export function isWhiteout(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.startsWith(".wh.");
}
