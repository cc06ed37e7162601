// One file's content through the engine, the same on the main thread and in a pool worker: findings
// in offset order, and a notice when the file was skipped or could not be read to the end.
import type { Engine } from "../engine/engine.js";
import type { FileContent } from "./files.js";
import type { Finding } from "../types.js";

/** Why a file was not scanned, or not completely; the caller adds the path. */
export interface FileNotice {
  reason: string;
  incomplete: boolean;
}

export type FileScanEvent = { finding: Finding } | { notice: FileNotice };

/** `content` is what reading the file gave: its bytes, a stream of them, or the error that stopped the read. */
export async function* scanFileContent(engine: Engine, path: string, content: FileContent | Error): AsyncGenerator<FileScanEvent> {
  if (content instanceof Error) {
    const code = (content as NodeJS.ErrnoException).code;
    yield { notice: { reason: `cannot read (${code ?? content.message})`, incomplete: true } };
    return;
  }
  if (content.kind === "binary") {
    yield { notice: { reason: "binary file skipped", incomplete: false } };
    return;
  }
  const target = { path };
  if (content.kind === "buffer") {
    for (const finding of engine.scanBuffer(content.data, target)) yield { finding };
    return;
  }
  try {
    const chunks = (async function* () {
      yield content.head;
      yield* content.rest;
    })();
    for await (const finding of engine.scanStream(chunks, target)) yield { finding };
  } catch (err) {
    yield { notice: { reason: `read failed mid-file (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true } };
  }
}
