// The CLI process runs V8's helper threads below its own (src/cli/helper-threads.ts); a library call
// of `main` changes no priority of its caller's process.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import type { CliIO } from "../src/cli/io.js";
import { HELPER_NICE, lowerHelperThreads } from "../src/cli/helper-threads.js";
import { BIN } from "./helpers/git-repo.js";

/** Each thread's nice value (field 19 of /proc/…/stat, after the parenthesised name). */
function niceOf(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      out.set(Number(t), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

const linuxTwoCores = process.platform === "linux" && availableParallelism() === 2;

describe("V8's helper threads", () => {
  it.runIf(linuxTwoCores)("run below the scanning thread in the keyfence process on two cores", async () => {
    const child = spawn(process.execPath, [BIN, "scan", "-", "--fail-on", "never", "--format", "json"], { stdio: ["pipe", "ignore", "ignore"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const own = niceOf(process.pid).get(process.pid)!;
    let seen = new Map<number, number>();
    // The priorities are set before the command runs; `scan -` then waits for its input.
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = niceOf(child.pid!);
      if ([...seen.values()].some((n) => n > own)) break;
    }
    child.stdin.end("nothing here\n");
    expect(await exited).toBe(0);
    expect(seen.get(child.pid!)).toBe(own);
    const helpers = [...seen].filter(([tid]) => tid !== child.pid);
    expect(helpers.length).toBeGreaterThanOrEqual(4);
    for (const [, nice] of helpers) expect(nice).toBe(Math.min(19, own + HELPER_NICE));
  });

  it("are lowered only on two cores: one would starve them, and from three up scanning workers need them", () => {
    expect(lowerHelperThreads(1)).toBe(0);
    expect(lowerHelperThreads(3)).toBe(0);
    expect(lowerHelperThreads(8)).toBe(0);
  });

  it.runIf(process.platform === "linux")("are left alone by a library call of main", async () => {
    const before = niceOf(process.pid);
    const out: string[] = [];
    const io: CliIO = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, stdin: [], env: {}, cwd: process.cwd() };
    expect(await main(["--version"], io)).toBe(0);
    const after = niceOf(process.pid);
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
  });
});
