// The thread behind `startDrainedGit` (drained-git.ts): runs one git process and reads its output as
// fast as git writes it, handing it to the scanning thread in blocks of its own (transferred, not
// copied). It imports nothing of keyfence's: the command line and environment arrive ready.
import { spawn } from "node:child_process";
import { parentPort, workerData } from "node:worker_threads";

export interface DrainRequest {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Bytes handed over and not yet taken beyond which git's output is no longer read. */
  highWater: number;
}

export type DrainMessage = { chunk: Uint8Array } | { end: true; code: number; stderr: string } | { spawnError: string };

/** Blocks are cut at this size, or sooner once git pauses. */
const BLOCK = 1024 * 1024;

const port = parentPort!;
const { args, cwd, env, highWater } = workerData as DrainRequest;
const child = spawn("git", args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
child.stdin.on("error", () => {});
child.stdin.end();

let stderr = "";
child.stderr.setEncoding("utf8");
child.stderr.on("data", (s: string) => {
  if (stderr.length < 65536) stderr += s;
});

let pending: Buffer[] = [];
let pendingBytes = 0;
let unacked = 0;
/** The scanning thread has taken everything and waits: what arrives next goes out at once. */
let hungry = false;

function flush(): void {
  if (!pendingBytes) return;
  hungry = false;
  // A block of its own: a chunk from the pipe may share its memory with others and cannot be moved.
  const block = Buffer.allocUnsafeSlow(pendingBytes);
  let at = 0;
  for (const p of pending) at += p.copy(block, at);
  pending = [];
  pendingBytes = 0;
  unacked += block.length;
  const chunk = new Uint8Array(block.buffer, 0, block.length);
  port.postMessage({ chunk } satisfies DrainMessage, [chunk.buffer]);
  if (unacked >= highWater) child.stdout.pause();
}

// Blocks are large while the scanning thread is busy (a message per pipe read cost it more than the
// reading saved) and go out as they come while it waits.
child.stdout.on("data", (d: Buffer) => {
  pending.push(d);
  pendingBytes += d.length;
  if (hungry || pendingBytes >= BLOCK) flush();
});

port.on("message", (m: { taken?: number; hungry?: true; kill?: true }) => {
  if (m.kill) {
    child.kill();
    return;
  }
  unacked -= m.taken ?? 0;
  if (m.hungry) {
    hungry = true;
    flush();
  }
  if (unacked < highWater / 2 && child.stdout.isPaused()) child.stdout.resume();
});

let finished = false;
function finish(message: DrainMessage): void {
  if (finished) return;
  finished = true;
  flush();
  port.postMessage(message);
  port.close();
}
child.on("error", (err: NodeJS.ErrnoException) => finish({ spawnError: err.code ?? err.message }));
// "close" comes after the last "data": every byte has been handed over by then.
child.on("close", (code, signal) => finish({ end: true, code: code ?? (signal ? 128 : 1), stderr }));
