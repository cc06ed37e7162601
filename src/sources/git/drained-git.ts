// `git <args>` read on a thread of its own. A history's `git log -p` and its scan take turns when
// they share a pipe: git computes a large diff while the scan waits, then blocks on a full pipe (64
// KiB) while the scan works through it. Drained by a worker into memory, git never waits for the
// scan, so the two run side by side on two cores (docs/benchmarks.md, history). What is handed over
// and not yet taken is bounded (`highWater`): past it, git's output is left in the pipe again.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { packageFile } from "../../package-root.js";
import type { DrainMessage, DrainRequest } from "./drain-worker.js";
import { gitCommandLine, spawnFailure, type GitCallOptions, type GitOutput } from "./process.js";

const HIGH_WATER = 16 * 1024 * 1024;

/** The compiled worker; when running from the TypeScript sources (the tests), the build's copy. */
function workerScript(): URL {
  const here = new URL("./drain-worker.js", import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : pathToFileURL(packageFile("dist/sources/git/drain-worker.js"));
}

export function startDrainedGit(args: readonly string[], options: GitCallOptions, highWater = HIGH_WATER): GitOutput {
  const { Worker: WorkerThread } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const line = gitCommandLine(args, options);
  const worker: Worker = new WorkerThread(workerScript(), { workerData: { args: line.args, cwd: options.cwd, env: line.env, highWater } satisfies DrainRequest });
  const queue: Buffer[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: Error | undefined;
  let resolveDone!: (r: { code: number; stderr: string }) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {});
  const settle = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on("message", (m: DrainMessage) => {
    if ("chunk" in m) queue.push(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
    else if ("spawnError" in m) {
      failure = m.spawnError === "ENOENT" ? spawnFailure(options.cwd) : new Error(`cannot start git (${m.spawnError})`);
      ended = true;
      rejectDone(failure);
    } else {
      ended = true;
      resolveDone({ code: m.code, stderr: m.stderr });
    }
    settle();
  });
  worker.on("error", (err: Error) => {
    failure ??= err;
    ended = true;
    rejectDone(err);
    settle();
  });
  worker.on("exit", () => {
    if (!ended) {
      failure ??= new Error("git's reader thread ended early");
      ended = true;
      rejectDone(failure);
    }
    settle();
  });

  // What was taken is told in sums (a message per block was a visible cost), and at once when waiting.
  let taken = 0;
  async function* stdout(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          taken += chunk.length;
          if (taken >= highWater / 8) {
            worker.postMessage({ taken });
            taken = 0;
          }
          yield chunk;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        worker.postMessage({ taken, hungry: true });
        taken = 0;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!ended) kill();
    }
  }

  function kill(): void {
    worker.postMessage({ kill: true });
    // The worker ends once git has; it never keeps the process alive after a stop.
    worker.unref();
  }

  return { stdout: stdout(), done, kill };
}
