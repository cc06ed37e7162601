// Whole-process timing: wall time around the child, peak resident memory from /usr/bin/time (GNU
// time's %M, the child's maxrss, worker threads included). Runs of the tools being compared are
// interleaved, so load from other processes on a shared machine falls on all of them alike.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

/** One run: `{ ms, rssMB, code }`; output goes to /dev/null, stderr is kept for error messages. */
export function runOnce(cmd, args, { cwd, env, ok = [0, 1] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kfbench-"));
  const rssFile = join(dir, "rss");
  const [file, argv] = hasGnuTime ? [GNU_TIME, ["-f", "%M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, env: env ?? process.env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssMB = hasGnuTime && existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024 : undefined;
  rmSync(dir, { recursive: true, force: true });
  if (!ok.includes(r.status ?? -1)) {
    const why = (r.stderr?.toString() ?? "").trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${why}`);
  }
  return { ms, rssMB, code: r.status };
}

export function summarise(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mid = Math.floor(ms.length / 2);
  const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  const rss = samples.map((s) => s.rssMB).filter((x) => x !== undefined);
  return { runs: ms.length, medianMs: median, minMs: ms[0], maxMs: ms[ms.length - 1], peakRssMB: rss.length ? Math.max(...rss) : undefined };
}

/**
 * `tools`: [{ name, cmd, args, cwd?, env?, ok?, runs?, warmup? }]. Each tool runs once untimed (warm
 * cache, compiled code) unless `warmup` is false, then the timed runs go round-robin across tools. Returns name → summary.
 */
export function compare(tools, runs) {
  for (const t of tools) if (t.warmup !== false) runOnce(t.cmd, t.args, t);
  const samples = new Map(tools.map((t) => [t.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const t of tools) {
      if (i >= (t.runs ?? runs)) continue;
      samples.get(t.name).push(runOnce(t.cmd, t.args, t));
    }
  }
  return Object.fromEntries(tools.map((t) => [t.name, summarise(samples.get(t.name))]));
}
