import { describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { sniff } from "../src/text/index.js";
import { spawnSync } from "node:child_process";
import { BIN, tempTree, keyfence } from "./helpers/cli.js";
import { BUILTIN, positive } from "./helpers/secrets.js";
import type { Finding } from "../src/types.js";
import type { SourceNotice } from "../src/sources/files.js";

const scanner = createScanner({ rules: BUILTIN, config: { reportInfo: true } });

async function scan(dir: string, paths = ["."], opts: Parameters<typeof scanner.scanFiles>[1] = {}) {
  const notices: SourceNotice[] = [];
  const findings: Finding[] = [];
  for await (const f of scanner.scanFiles(paths, { cwd: dir, onNotice: (n) => notices.push(n), ...opts })) findings.push(f);
  return { findings, notices, paths: findings.map((f) => f.path) };
}

const live = () => `${positive("stripe-secret-key-live")}\n`;

describe("file source", () => {
  it("honours nested .gitignore files, and --no-gitignore turns that off", async () => {
    const dir = tempTree({
      ".gitignore": "build/\n*.log\n",
      "build/out.env": live(),
      "app.log": live(),
      "src/.gitignore": "generated.env\n!keep.log\n",
      "src/generated.env": live(),
      "src/real.env": live(),
      "node_modules/pkg/.env": live(),
    });
    // .gitignore files apply inside a git work tree (test/gitignore-rule.test.ts has the rule's cases).
    spawnSync("git", ["init", "-q"], { cwd: dir });
    expect((await scan(dir)).paths).toEqual(["node_modules/pkg/.env", "src/real.env"]);
    expect((await scan(dir, ["."], { gitignore: false })).paths).toHaveLength(5);
  });

  it("include and exclude globs", async () => {
    const dir = tempTree({ "a/x.env": live(), "b/y.env": live(), "b/z.txt": live() });
    expect((await scan(dir, ["."], { include: ["b/**"] })).paths).toEqual(["b/y.env", "b/z.txt"]);
    expect((await scan(dir, ["."], { exclude: ["**/*.txt"] })).paths).toEqual(["a/x.env", "b/y.env"]);
  });

  it("scans binary files for their printable runs and decodes UTF-16 with a BOM", async () => {
    const secret = live();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# note\n${secret}`, "utf16le")]);
    const dir = tempTree({ "bin.dat": Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(secret)]), "w.env": utf16 });
    const r = await scan(dir);
    expect(r.paths).toEqual(["bin.dat", "w.env"]);
    expect(r.findings[1]!.line).toBe(2);
    expect(r.notices).toEqual([]);
    expect(sniff(Buffer.from([0xfe, 0xff, 0, 65])).encoding).toBe("utf16be");
  });

  it("streams text files over the size limit; binary ones over it are named as not scanned (incomplete)", async () => {
    const dir = tempTree({ "big.env": live() + "x".repeat(5000), "small.env": live(), "big.bin": Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.alloc(5000), Buffer.from(live())]) });
    const r = await scan(dir, ["."], { maxFileSize: 1000 });
    expect(r.paths).toEqual(["big.env", "small.env"]);
    expect(r.notices).toEqual([{ path: "big.bin", reason: expect.stringMatching(/over the maximum file size of 1000/), incomplete: true }]);
  });

  it("never follows symbolic links (loops, links out of the tree)", async () => {
    const outside = tempTree({ "secret.env": live() });
    const dir = tempTree({ "inside.env": live() });
    mkdirSync(join(dir, "sub"));
    symlinkSync(dir, join(dir, "sub", "loop"));
    symlinkSync(join(outside, "secret.env"), join(dir, "out.env"));
    symlinkSync(outside, join(dir, "outdir"));
    const r = await scan(dir);
    expect(r.paths).toEqual(["inside.env"]);
    expect(r.notices.filter((n) => n.reason === "symbolic link not followed").map((n) => n.path).sort()).toEqual(["out.env", "outdir", "sub/loop"]);
  });

  it("streams large files and finds secrets across chunk boundaries", async () => {
    const filler = "const a = compute(b, c); // ordinary code line that is not a secret\n";
    const head = filler.repeat(Math.ceil((9 * 1024 * 1024) / filler.length));
    const dir = tempTree({ "big.js": head + live() + filler.repeat(100) + live() });
    const r = await scan(dir);
    expect(r.findings.map((f) => f.line)).toEqual([head.split("\n").length, head.split("\n").length + 101]);
  });

  it("an unreadable file is a warning; the scan goes on and says it is incomplete", (ctx) => {
    if (process.getuid?.() === 0) {
      const probe = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(BIN)}, 4)`]);
      if (probe.status !== 0) ctx.skip("running as root without a way to drop privileges that can still read the checkout");
    }
    const dir = tempTree({ "ok.env": live(), "locked.env": live(), "sub/inner.env": live() });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "ok.env"), 0o644);
    chmodSync(join(dir, "locked.env"), 0o000);
    // root reads everything, so run the scan as an unprivileged user when we are root.
    const asUser = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const r = spawnSync(asUser[0] ?? process.execPath, [...asUser.slice(1), ...(asUser.length ? [process.execPath] : []), BIN, "scan", "."], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.stderr).toMatch(/keyfence: warning: locked\.env: cannot read \(EACCES\)/);
    expect(r.stdout).toMatch(/scan INCOMPLETE/);
    expect(r.stdout).toContain("ok.env");
    expect(r.status).toBe(1); // blocking findings outrank the incomplete scan
    const onlyLocked = spawnSync(asUser[0] ?? process.execPath, [...asUser.slice(1), ...(asUser.length ? [process.execPath] : []), BIN, "scan", "locked.env", "sub"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(onlyLocked.status).toBe(1);
    chmodSync(join(dir, "sub", "inner.env"), 0o000);
    const none = spawnSync(asUser[0] ?? process.execPath, [...asUser.slice(1), ...(asUser.length ? [process.execPath] : []), BIN, "scan", "locked.env", "sub"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(none.status).toBe(2); // nothing blocking, but the scan was incomplete: fail closed
    chmodSync(join(dir, "locked.env"), 0o644);
  });

  it("handles odd file names", async () => {
    const names = ["with space.env", "quote\"s.env", "new\nline.env", "-leading-dash.env", "ünïcødé.env", "#hash?.env"];
    const dir = tempTree(Object.fromEntries(names.map((n) => [n, live()])));
    const r = await scan(dir);
    expect(r.paths.sort()).toEqual([...names].sort());
    const cli = keyfence(["scan", "--", "-leading-dash.env"], { cwd: dir });
    expect(cli.code).toBe(1);
  });

  it("a path that does not exist is an incomplete notice naming it; the other paths are still scanned (README's first API example)", async () => {
    const dir = tempTree({ "src/app.env": live() });
    const r = await scan(dir, ["src", "config"]);
    expect(r.paths).toEqual(["src/app.env"]);
    expect(r.notices).toEqual([{ path: "config", reason: "no such file or directory", incomplete: true }]);
    // The command line still refuses it up front: one line, exit 2.
    const cli = keyfence(["scan", "src", "config"], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe("keyfence: config: no such file or directory\n");
  });

  it("writes nothing for empty files and empty folders", async () => {
    const dir = tempTree({ "empty.txt": "" });
    mkdirSync(join(dir, "emptydir"));
    writeFileSync(join(dir, "emptydir", ".keep"), "");
    expect((await scan(dir)).findings).toEqual([]);
  });
});
