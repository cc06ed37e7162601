// Hostile file-system input: huge lines and files, many files, files that change under the scan.
// Large fixtures are generated at test time and removed afterwards.
import { afterAll, describe, expect, it } from "vitest";
import { closeSync, mkdirSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { tempTree, keyfence } from "./helpers/cli.js";
import { BUILTIN, positive } from "./helpers/secrets.js";
import type { Finding } from "../src/types.js";
import type { SourceNotice } from "../src/sources/files.js";

const scanner = createScanner({ rules: BUILTIN });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const d = tempTree(files);
  dirs.push(d);
  return d;
}

async function scan(dir: string, opts: Parameters<typeof scanner.scanFiles>[1] = {}) {
  const notices: SourceNotice[] = [];
  const findings: Finding[] = [];
  for await (const f of scanner.scanFiles(["."], { cwd: dir, onNotice: (n) => notices.push(n), ...opts })) findings.push(f);
  return { findings, notices };
}

describe("hostile files", () => {
  it("a single 100 MB line with a secret at its end: found, with the right column", async () => {
    const dir = tree({});
    const file = join(dir, "one-line.min.js");
    const fd = openSync(file, "w");
    const block = Buffer.alloc(1024 * 1024, "a=b;c=d;");
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    const key = positive("stripe-secret-key-live", 1).split('"')[1]!;
    writeSync(fd, `var k="${key}";`);
    closeSync(fd);
    // Over the default size limit, but text: streamed to its end (a size limit never lets a secret pass).
    const { findings, notices } = await scan(dir);
    expect(notices).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 1, column: 100 * 1024 * 1024 + 8, ruleId: "stripe-secret-key-live" });
  });

  it("a 1 GB file is streamed: memory stays flat", async () => {
    const dir = tree({});
    const file = join(dir, "huge.log");
    const fd = openSync(file, "w");
    const line = Buffer.from("2026-11-27T10:00:00Z INFO request handled path=/api/v1/payments status=200 ms=12\n");
    const block = Buffer.concat(Array.from({ length: Math.floor((4 * 1024 * 1024) / line.length) }, () => line));
    const secret = Buffer.from(`${positive("stripe-secret-key-live", 0, "#huge")}\n`);
    let written = 0;
    for (let i = 0; written < 1024 * 1024 * 1024; i++) {
      writeSync(fd, block);
      written += block.length;
      if (i === 128) {
        writeSync(fd, secret);
        written += secret.length;
      }
    }
    closeSync(fd);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { findings } = await scan(dir, { maxFileSize: 2 * 1024 * 1024 * 1024 });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    unlinkSync(file);
    expect(findings).toHaveLength(1);
    // Reading is 1 MiB at a time and the engine keeps a window: growth far below the file size.
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  }, 300_000);

  it("100,000 small files", async () => {
    const dir = tree({});
    for (let i = 0; i < 100_000; i++) {
      const sub = join(dir, `d${Math.floor(i / 1000)}`);
      if (i % 1000 === 0) mkdirSync(sub);
      writeFileSync(join(sub, `f${i}.txt`), i === 77_777 ? `${positive("stripe-secret-key-live")}\n` : `value ${i}\n`);
    }
    const { findings } = await scan(dir);
    expect(findings.map((f) => f.path)).toEqual(["d77/f77777.txt"]);
  }, 300_000);

  it("a file deleted after the walk found it is reported as unreadable; the scan goes on", async () => {
    const dir = tree({ "a.txt": "first\n", "b.env": `${positive("stripe-secret-key-live")}\n`, "c.env": `${positive("stripe-secret-key-live")}\n` });
    const { findings, notices } = await scan(dir, {
      readAhead: 1,
      onFile: (f) => {
        if (f.path === "a.txt") unlinkSync(join(dir, "b.env"));
      },
    });
    expect(findings.map((f) => f.path)).toEqual(["c.env"]);
    expect(notices).toEqual([{ path: "b.env", reason: expect.stringMatching(/ENOENT/), incomplete: true }]);
  });

  it("a file that grows while it is read is scanned without error", async () => {
    const dir = tree({});
    const file = join(dir, "growing.log");
    writeFileSync(file, Buffer.alloc(9 * 1024 * 1024, "x = 1;\n"));
    const fd = openSync(file, "a");
    const pending = scan(dir);
    writeSync(fd, `${positive("stripe-secret-key-live")}\n`);
    closeSync(fd);
    const { notices } = await pending;
    expect(notices.filter((n) => n.incomplete)).toEqual([]);
  });

  it("CRLF and mixed line endings keep line numbers right", async () => {
    const key = `${positive("stripe-secret-key-live")}`;
    const dir = tree({ "crlf.env": `A=1\r\nB=2\r\n${key}\r\n`, "mixed.env": `A=1\rB=2\n\r\n${key}\n` });
    const { findings } = await scan(dir);
    expect(findings.map((f) => `${f.path}:${f.line}`)).toEqual(["crlf.env:3", "mixed.env:3"]);
  });

  it("a folder that is not a git repository scans fine with `scan`", () => {
    const dir = tree({ "x.txt": "hello\n" });
    expect(keyfence(["scan", "."], { cwd: dir }).code).toBe(0);
  });
});

describe("per-file time budget", () => {
  it("a file that takes longer than fileTimeoutSeconds is reported as not fully scanned, never silently skipped", async () => {
    // Dense keyword hits make the engine work hard enough to cross a 1 ms budget on any machine.
    const dense = "password = value; token = other; secret = thing; api_key = x\n".repeat(80_000);
    const dir = tree({ "dense.txt": dense, "ok.env": `${positive("stripe-secret-key-live")}\n` });
    const slow = createScanner({ rules: BUILTIN, config: { fileTimeoutSeconds: 0.001 } });
    const notices: SourceNotice[] = [];
    for await (const _ of slow.scanFiles(["dense.txt"], { cwd: dir, onNotice: (n) => notices.push(n) })) void _;
    expect(notices).toEqual([{ path: "dense.txt", reason: expect.stringMatching(/^timed out after 0\.001 s; not fully scanned/), incomplete: true }]);
    // Through the CLI: a warning on stderr and an incomplete scan (exit 2 when nothing blocks).
    writeFileSync(join(dir, "keyfence.config.json"), JSON.stringify({ fileTimeoutSeconds: 0.001 }));
    const r = keyfence(["scan", "dense.txt"], { cwd: dir });
    expect(r.stderr).toMatch(/keyfence: warning: dense\.txt: timed out after 0\.001 s/);
    expect(r.code).toBe(2);
  });
});
