// Standard input (or any stream of chunks) as a source: one unit, scanned as it arrives. The user
// named it, so no glob or size limit applies; its bytes are read by the text module like a file's.
import type { Source, SourceItem } from "./source.js";

export function streamSource(chunks: AsyncIterable<Buffer | Uint8Array | string>, path = "-"): Source {
  return {
    name: "stdin",
    *items(): Generator<SourceItem> {
      const buffers = (async function* () {
        for await (const c of chunks) yield typeof c === "string" ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      })();
      yield { target: { path }, content: { kind: "stream", chunks: buffers }, named: true };
    },
  };
}
