// Whole-process timing: wall time around the child, peak resident memory from /usr/bin/time (GNU
// time's %M, the child's maxrss, worker threads included). Runs of the tools being compared are
// interleaved, so load from other processes on a shared machine falls on all of them alike.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

/**
 * One run: `{ ms, cpuMs, rssMB, code }`; output goes to /dev/null, stderr is kept for error messages.
 * A run longer than `timeoutMs` is killed and reported as `{ timedOut: true, ms: timeoutMs }`.
 */
export function runOnce(cmd, args, { cwd, env, ok = [0, 1], timeoutMs } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kfbench-"));
  const usageFile = join(dir, "usage");
  // coreutils timeout(1) kills the measured process itself (exit 124), not just a wrapper around it.
  const limited = timeoutMs ? ["timeout", "-s", "KILL", String(Math.ceil(timeoutMs / 1000)), cmd, ...args] : [cmd, ...args];
  const [file, argv] = hasGnuTime ? [GNU_TIME, ["-f", "%M %U %S", "-o", usageFile, ...limited]] : [limited[0], limited.slice(1)];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, env: env ?? process.env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (timeoutMs && (r.status === 124 || r.status === 137)) {
    rmSync(dir, { recursive: true, force: true });
    return { ms, timedOut: true };
  }
  const usage = hasGnuTime && existsSync(usageFile) ? readFileSync(usageFile, "utf8").trim().split("\n").pop().split(" ").map(Number) : undefined;
  rmSync(dir, { recursive: true, force: true });
  const rssMB = usage ? usage[0] / 1024 : undefined;
  const cpuMs = usage ? (usage[1] + usage[2]) * 1000 : undefined;
  if (!ok.includes(r.status ?? -1)) {
    const why = (r.stderr?.toString() ?? "").trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${why}`);
  }
  return { ms, cpuMs, rssMB, code: r.status };
}

export function summarise(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mid = Math.floor(ms.length / 2);
  const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  const rss = samples.map((s) => s.rssMB).filter((x) => x !== undefined);
  const cpu = samples.map((s) => s.cpuMs).filter((x) => x !== undefined).sort((a, b) => a - b);
  return {
    runs: ms.length,
    medianMs: median,
    minMs: ms[0],
    maxMs: ms[ms.length - 1],
    cpuMs: cpu.length ? cpu[Math.floor(cpu.length / 2)] : undefined,
    peakRssMB: rss.length ? Math.max(...rss) : undefined,
    timedOut: samples.some((s) => s.timedOut),
  };
}

/**
 * `tools`: [{ name, cmd, args, cwd?, env?, ok?, runs?, warmup?, timeoutMs? }]. Each tool runs once untimed (warm
 * cache, compiled code) unless `warmup` is false, then the timed runs go round-robin across tools. Returns name → summary.
 */
export function compare(tools, runs) {
  const samples = new Map(tools.map((t) => [t.name, []]));
  for (const t of tools) {
    if (t.warmup === false) continue;
    const warm = runOnce(t.cmd, t.args, t);
    // A tool that cannot finish once within its time limit is timed no further.
    if (warm.timedOut) samples.get(t.name).push(warm);
  }
  for (let i = 0; i < runs; i++) {
    for (const t of tools) {
      const mine = samples.get(t.name);
      if (i >= (t.runs ?? runs) || mine.some((s) => s.timedOut)) continue;
      mine.push(runOnce(t.cmd, t.args, t));
    }
  }
  return Object.fromEntries(tools.map((t) => [t.name, summarise(samples.get(t.name))]));
}
