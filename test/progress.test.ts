// Progress on a terminal: the line's text, when it is shown (a pseudo-terminal via `script`, the
// non-terminal path, CI, --progress / --no-progress), and that it is cleared before the report.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { progressText, progressWanted } from "../src/cli/progress.js";
import { BIN, TempRepo, cleanupTempDirs } from "./helpers/git-repo.js";
import { tempTree } from "./helpers/cli.js";
import type { CliIO } from "../src/cli/io.js";

afterAll(cleanupTempDirs);

const CLEAR = "\r\x1b[K";
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

/** An environment without any CI marker (the suite itself may run in CI). */
const CI_MARKER = /^(CI|GITHUB_|GITLAB_|TF_BUILD|BITBUCKET_|JENKINS_URL|CIRCLE)/;

function localEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!CI_MARKER.test(k)) env[k] = v;
  return { ...env, NO_COLOR: "1", TERM: "xterm", ...extra };
}

/** A test repository's environment (which copies the suite's, CI markers included) without CI markers. */
function repoEnv(repo: { env: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...localEnv(), ...repo.env, TERM: "xterm" };
  for (const k of Object.keys(env)) if (CI_MARKER.test(k)) delete env[k];
  return env;
}

/** Runs keyfence with stderr (and stdout) on a pseudo-terminal, as a user's shell would. */
function onTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv = localEnv()): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd, env, encoding: "utf8" });
  return r.stdout;
}

function io(isTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIO {
  return { stdout: { write: () => true }, stderr: { write: () => true, isTTY }, stdin: (async function* () {})(), env, cwd: "/" };
}

describe("progress line text", () => {
  it("counts, bytes, rate; with a total also percent and ETA", () => {
    expect(progressText("keyfence scan", "files", { done: 1234, bytes: 5 * 1024 ** 2 }, 2)).toBe("keyfence scan: 1,234 files · 5.0 MB · 2.5 MB/s · 2 s");
    expect(progressText("keyfence history", "commits", { done: 600, bytes: 3 * 1024 ** 2 }, 3, 2400)).toBe("keyfence history: 600/2,400 commits (25%) · 3.0 MB · 1.0 MB/s · 200 commits/s · ETA 9 s · 3 s");
    // No rate or ETA before there is something to measure.
    expect(progressText("keyfence git", "commits", { done: 0, bytes: 0 }, 0.1, 10)).toBe("keyfence git: 0/10 commits (0%) · 0 B · 0 s");
  });

  it("is wanted on a terminal, not off one, not in CI; the flags force it either way", () => {
    expect(progressWanted({}, io(true))).toBe(true);
    expect(progressWanted({}, io(false))).toBe(false);
    expect(progressWanted({}, io(true, { CI: "true" }))).toBe(false);
    expect(progressWanted({}, io(true, { TF_BUILD: "True" }))).toBe(false);
    expect(progressWanted({}, io(true, { TERM: "dumb" }))).toBe(false);
    expect(progressWanted({ quiet: true }, io(true))).toBe(false);
    expect(progressWanted({ progress: true }, io(false, { CI: "true" }))).toBe(true);
    expect(progressWanted({ "no-progress": true }, io(true))).toBe(false);
  });
});

describe.skipIf(!hasScript)("on a pseudo-terminal", () => {
  const dir = tempTree(Object.fromEntries([...Array(30)].map((_, i) => [`src/f${i}.txt`, `line ${i}\n`])));

  it("scan draws a line on stderr and clears it before the summary", () => {
    const out = onTerminal(["scan", "."], dir);
    expect(out).toContain(`${CLEAR}keyfence scan: `);
    expect(out).toMatch(/\r\x1b\[KNo secrets found in 30 files/);
    // Never in CI, and not with --no-progress.
    expect(onTerminal(["scan", "."], dir, localEnv({ CI: "true" }))).not.toContain("keyfence scan:");
    expect(onTerminal(["scan", ".", "--no-progress"], dir)).not.toContain(CLEAR);
  });

  it("git --all and history count commits against their total", () => {
    const repo = TempRepo.init();
    for (let i = 0; i < 4; i++) repo.commitFile(`c${i}.txt`, `commit ${i}\n`);
    const git = onTerminal(["git", "--all"], repo.dir, repoEnv(repo));
    expect(git).toMatch(/keyfence git: \d\/4 commits \(\d+%\)/);
    const history = onTerminal(["history"], repo.dir, repoEnv(repo));
    expect(history).toMatch(/keyfence history: \d\/4 commits/);
    const report = onTerminal(["report", "--output", "r.md"], repo.dir, repoEnv(repo));
    expect(report).toMatch(/keyfence report: \d\/4 commits/);
  });
});

describe("off a terminal", () => {
  it("prints no progress unless --progress forces it", () => {
    const dir = tempTree({ "a.txt": "hello\n" });
    const plain = spawnSync(process.execPath, [BIN, "scan", "."], { cwd: dir, env: localEnv(), encoding: "utf8" });
    expect(plain.stderr).not.toContain("\x1b");
    expect(plain.stderr).not.toContain("keyfence scan:");
    const forced = spawnSync(process.execPath, [BIN, "scan", ".", "--progress"], { cwd: dir, env: localEnv({ CI: "true" }), encoding: "utf8" });
    expect(forced.stderr).toContain(`${CLEAR}keyfence scan: 1 files`);
    expect(forced.stderr.endsWith(CLEAR)).toBe(true);
  });
});
