// Fail closed, everywhere: a broken install, a nonsensical limit, an input that is not a regular file,
// an output that cannot be written — each is one line on stderr and exit 2, never a hang, a stack
// trace, a replaced device node or a world-readable file of secrets.
import { afterAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, cpSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, keyfence } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";
import { hookScript } from "../src/hooks/install.js";

const tmp = mkdtempSync(join(tmpdir(), "keyfence-failclosed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

/** Exit 2 with exactly one line on stderr, nothing on stdout, no stack. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^keyfence: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(pattern);
}

/** A copy of the installed package, to break without touching the repository others test against. */
function installedCopy(name: string, withModules = true): string {
  const pkg = join(tmp, name);
  for (const part of ["bin", "dist", "rules", "schema", "package.json"]) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
  if (withModules) symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"));
  return pkg;
}

/** Runs the CLI with a deadline: a hang is a failure, not a stuck suite. */
function bounded(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? tmp, input: opts.input ?? "", encoding: "utf8", timeout: 15_000, env: { ...process.env, NO_COLOR: "1" } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("a broken install is one line and exit 2", () => {
  it("node_modules missing", () => {
    const pkg = installedCopy("no-modules", false);
    expectOneLineError(keyfence(["scan", "-"], { input: "x\n", cwd: tmp, bin: join(pkg, "bin", "keyfence.js") }), /not installed correctly: cannot load (re2|ajv|yaml|picomatch|ignore)/);
  });

  it("re2's native binary missing", () => {
    const pkg = installedCopy("no-re2", false);
    const modules = join(pkg, "node_modules");
    mkdirSync(modules);
    for (const name of readdirSync(join(ROOT, "node_modules"))) if (name !== "re2") symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
    cpSync(join(ROOT, "node_modules", "re2"), join(modules, "re2"), { recursive: true, filter: (src) => !src.includes(`${join("re2", "build")}`) });
    expectOneLineError(keyfence(["scan", "-"], { input: "x\n", cwd: tmp, bin: join(pkg, "bin", "keyfence.js") }), /not installed correctly: cannot load .*re2\.node/);
  });

  it("the CLI bundle missing, or its code cache damaged", () => {
    const pkg = installedCopy("no-dist-module");
    const bin = join(pkg, "bin", "keyfence.js");
    // A code cache V8 cannot use is a normal compile, not an error.
    for (const cache of readdirSync(join(pkg, "dist", "bundle")).filter((f) => f.endsWith(".cache"))) writeFileSync(join(pkg, "dist", "bundle", cache), "not a code cache");
    const r = keyfence(["scan", "-"], { input: "x\n", cwd: tmp, bin });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No secrets found/);
    rmSync(join(pkg, "dist", "bundle", "keyfence.js"));
    expectOneLineError(keyfence(["scan", "-"], { input: "x\n", cwd: tmp, bin }), /not installed correctly: cannot load dist\/bundle\/keyfence\.js/);
  });

  it("the pre-commit hook blocks on exit 2 and says keyfence itself may be broken", () => {
    const repo = join(tmp, "hook");
    mkdirSync(join(repo, "node_modules", ".bin"), { recursive: true });
    writeFileSync(join(repo, "node_modules", ".bin", "keyfence"), "#!/bin/sh\nexit 2\n", { mode: 0o755 });
    writeFileSync(join(repo, "pre-commit"), hookScript(), { mode: 0o755 });
    const r = spawnSync("sh", ["pre-commit"], { cwd: repo, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/keyfence: could not check this commit \(exit 2: keyfence itself, its install or its configuration is broken/);
  });
});

describe("limits that make no sense are usage errors", () => {
  it.each(["0", "0k", "-1", "1x", "99999999999999g"])("--max-file-size %s", (size) => {
    expectOneLineError(bounded(["scan", "-", `--max-file-size=${size}`]), /--max-file-size: /);
  });
  it.each(["0", "-2", "1.5", "100000"])("--jobs %s", (jobs) => {
    expectOneLineError(bounded(["scan", "-", `--jobs=${jobs}`]), /--jobs: /);
  });
});

describe("inputs that must be files are refused unless regular files (never a hang)", () => {
  const fifo = join(tmp, "fifo");
  spawnSync("mkfifo", [fifo]);
  const dir = join(tmp, "inputs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "extends-fifo.json"), JSON.stringify({ extends: fifo }));
  writeFileSync(join(dir, "extends-zero.json"), JSON.stringify({ extends: "/dev/zero" }));
  writeFileSync(join(dir, "packs-fifo.json"), JSON.stringify({ rulePacks: [fifo] }));
  writeFileSync(join(dir, "packs-zero.json"), JSON.stringify({ rulePacks: ["/dev/zero"] }));
  const cases: [string, string[], RegExp][] = [
    ["--config FIFO", ["scan", "-", "--config", fifo], /configuration must be a regular file, not a FIFO/],
    ["--config /dev/zero", ["scan", "-", "--config", "/dev/zero"], /configuration must be a regular file, not a character device/],
    ["extends FIFO", ["scan", "-", "--config", join(dir, "extends-fifo.json")], /configuration must be a regular file, not a FIFO/],
    ["extends /dev/zero", ["scan", "-", "--config", join(dir, "extends-zero.json")], /not a character device/],
    ["rulePacks FIFO", ["scan", "-", "--config", join(dir, "packs-fifo.json")], /rule pack must be a regular file, not a FIFO/],
    ["rulePacks /dev/zero", ["scan", "-", "--config", join(dir, "packs-zero.json")], /rule pack must be a regular file, not a character device/],
    ["--baseline FIFO", ["scan", "-", "--baseline", fifo], /baseline must be a regular file, not a FIFO/],
    ["--baseline /dev/zero", ["scan", "-", "--baseline", "/dev/zero"], /baseline must be a regular file/],
    ["report --from FIFO", ["report", "--from", fifo], /saved report must be a regular file, not a FIFO/],
    ["report --from /dev/zero", ["report", "--from", "/dev/zero"], /saved report must be a regular file/],
    ["a folder as --config", ["scan", "-", "--config", dir], /configuration must be a regular file, not a folder/],
  ];
  it.each(cases)("%s", (_name, args, pattern) => {
    expectOneLineError(bounded(args), pattern);
  });
});

describe("--output", () => {
  const input = `STRIPE_KEY=${stripe("out")}\n`;

  it("never replaces a device node: /dev/full is written in place and its error is one line", () => {
    const dev = join(tmp, "full");
    spawnSync("mknod", [dev, "c", "1", "7"]);
    const canMknod = (() => {
      try {
        return lstatSync(dev).isCharacterDevice();
      } catch {
        return false;
      }
    })();
    const target = canMknod ? dev : "/dev/full";
    expectOneLineError(bounded(["scan", "-", "--output", target], { input }), /cannot write output \(no space left \(ENOSPC\)\)/);
    expect(lstatSync(target).isCharacterDevice()).toBe(true);
  });

  it("never replaces a symbolic link (e.g. /dev/stdout): it writes through it", () => {
    const real = join(tmp, "real-report.json");
    writeFileSync(real, "old content that is longer than nothing\n".repeat(100));
    const link = join(tmp, "report-link.json");
    symlinkSync(real, link);
    const r = bounded(["scan", "-", "--format", "json", "--output", link], { input });
    expect(r.code).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(JSON.parse(readFileSync(real, "utf8")).summary.findings).toBe(1);
    const viaStdout = spawnSync(process.execPath, [BIN, "scan", "-", "--format", "json", "--output", "/dev/stdout"], { cwd: tmp, input, encoding: "utf8" });
    expect(viaStdout.status).toBe(1);
    expect(JSON.parse(viaStdout.stdout).summary.findings).toBe(1);
    expect(lstatSync("/dev/stdout").isSymbolicLink()).toBe(true);
  });

  it("writes into a FIFO that has a reader, and fails in one line when none has", async () => {
    const fifo = join(tmp, "out-fifo");
    spawnSync("mkfifo", [fifo]);
    expectOneLineError(bounded(["scan", "-", "--output", fifo], { input }), /cannot write output \(a FIFO with no reader\)/);
    const reader = spawn("cat", [fifo]);
    let read = "";
    reader.stdout.on("data", (d: Buffer) => (read += d.toString()));
    const done = new Promise((resolve) => reader.on("close", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const r = spawn(process.execPath, [BIN, "scan", "-", "--format", "json", "--output", fifo], { cwd: tmp });
    r.stdin.end(input);
    const code = await new Promise((resolve) => r.on("close", resolve));
    await done;
    expect(code).toBe(1);
    expect(JSON.parse(read).summary.findings).toBe(1);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a report with raw secrets is created mode 600, also over an existing world-readable file", () => {
    const fresh = join(tmp, "secrets.txt");
    expect(bounded(["scan", "-", "--show-secrets", "--output", fresh], { input }).code).toBe(1);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const old = join(tmp, "old-secrets.txt");
    writeFileSync(old, "x");
    chmodSync(old, 0o644);
    expect(bounded(["scan", "-", "--show-secrets", "--output", old], { input }).code).toBe(1);
    expect(statSync(old).mode & 0o777).toBe(0o600);
    const plain = join(tmp, "plain.txt");
    expect(bounded(["scan", "-", "--output", plain], { input }).code).toBe(1);
    expect(statSync(plain).mode & 0o077).not.toBe(0o077);
  });
});

describe("standard output errors end the run with one line and exit 2", () => {
  it("ENOSPC (/dev/full)", () => {
    const full = openSync("/dev/full", "w");
    const r = spawnSync(process.execPath, [BIN, "scan", "-"], { cwd: tmp, input: `STRIPE_KEY=${stripe("full")}\n`, stdio: ["pipe", full, "pipe"], encoding: "utf8", timeout: 15_000 });
    closeSync(full);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^keyfence: cannot write the report to standard output \(ENOSPC\)/);
  });

  it("EPIPE (a reader that leaves early)", () => {
    const big = Array.from({ length: 400 }, (_, i) => `K${i}=${stripe(`pipe${i}`)}`).join("\n") + "\n";
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" scan - --format sarif | head -c 1 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { cwd: tmp, input: big, encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toMatch(/status=2/);
    expect(r.stderr).toMatch(/keyfence: cannot write the report to standard output \(EPIPE\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("report --from a malformed file never echoes a value from it", () => {
  const secret = stripe("from");
  const finding = { ruleId: "stripe-secret-key-live", title: "t", provider: "p", severity: "critical", redacted: "r", secretDigest: "0".repeat(64), path: "a", line: 1, tags: [], exposure: { days: 1, overdueDays: 0, presentAtHead: true, occurrences: 1 } };
  const files: [string, string][] = [
    ["value in a broken JSON", `{"findings": [{"secret": "${secret}" "x"}]}`],
    ["value as an alias", `findings: *${secret.replace(/[^A-Za-z0-9]/g, "")}\n`],
    ["value as a tag", `findings: !${secret.replace(/[^A-Za-z0-9]/g, "")} []\n`],
    ["value as a rule id of an invalid finding", JSON.stringify({ findings: [{ ...finding, ruleId: secret, severity: "bad" }] })],
    ["value in an invalid field", JSON.stringify({ findings: [{ ...finding, secretDigest: secret }] })],
    ["value in a wrong type", JSON.stringify({ findings: secret })],
  ];
  it.each(files)("%s", (_name, text) => {
    const file = join(tmp, `from-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, text);
    const r = bounded(["report", "--from", file]);
    // A YAML tag it does not know is dropped, not an error; either way nothing from the file is echoed.
    expect([0, 2]).toContain(r.code);
    const tail = secret.slice(-8);
    expect(r.stderr).not.toContain(tail);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
