// V8's helper threads as the CLI process runs them. Node starts four threads for V8's background work
// (optimising compiles, garbage-collection helpers) whatever the machine, and a scan keeps them busy:
// about 0.6 s of compiling during a 0.9 s tree scan of the bench tree, where on two cores they
// preempt the scanning thread. Lowered in priority, they run on whatever core the scanning thread
// leaves idle: on this project's 2-core machine the bench tree scan took ~5% less time and
// `keyfence history` ~8% less. (`node --v8-pool-size=0` does better still, but only a process's
// command line can set that; see the README's Performance section.)
import { readdirSync } from "node:fs";
import { availableParallelism, getPriority, setPriority } from "node:os";

/** How far below the scanning thread the helpers run: enough to yield to it, not to starve them. */
export const HELPER_NICE = 10;

/**
 * Lowers the priority of the threads other than this one that exist now (V8's helpers). Only on two
 * cores, where one thread scans (src/orchestrator/pool.ts) and the other core is the helpers' to
 * use: on one core they would hardly run, and from three cores up the scanning workers, which
 * keep this thread's priority, would starve the compiles they wait for. Linux only, where a
 * process's threads are listed in /proc and a thread's priority is set by its id. Returns how many
 * threads were lowered.
 */
export function lowerHelperThreads(cores = availableParallelism()): number {
  if (process.platform !== "linux" || cores !== 2) return 0;
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return 0;
  }
  const target = Math.min(19, getPriority() + HELPER_NICE);
  let lowered = 0;
  for (const name of tasks) {
    const tid = Number(name);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      // Only ever lower: a process started with `nice` keeps its helpers at least that low.
      if (getPriority(tid) < target) {
        setPriority(tid, target);
        lowered++;
      }
    } catch {
      // The thread ended, or the platform refuses: its priority stays as it was.
    }
  }
  return lowered;
}
