// Issue 13 item 3 for files and the walker: nothing unsaid, nothing silently passed. Every case runs
// the real CLI (built dist/), as a user or a hook would.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { BIN, keyfence, tempTree } from "./helpers/cli.js";
import { cleanupTempDirs, TempRepo } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  cleanupTempDirs();
});
function tree(files: Record<string, string | Buffer>): string {
  const d = tempTree(files);
  dirs.push(d);
  return d;
}
const key = (salt = "") => positive("stripe-secret-key-live", 0, salt);
const json = (stdout: string) => JSON.parse(stdout) as { findings: { path: string; line: number; column: number; ruleId: string }[]; notices: { path: string; reason: string; incomplete: boolean }[]; summary: { incomplete: boolean } };

describe("binary and encodings", () => {
  it("a NUL appended to a .env does not hide its key: same line and column as without it", () => {
    const text = `A=1\n${key()}\n`;
    const dir = tree({ "plain.env": text, "nul.env": Buffer.concat([Buffer.from(text), Buffer.from([0])]) });
    const r = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    const byPath = Object.fromEntries(json(r.stdout).findings.map((f) => [f.path, [f.line, f.column]]));
    expect(byPath["nul.env"]).toEqual(byPath["plain.env"]);
  });

  it("keys in binaries and in files named like media are found (no extension skips)", () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(300), Buffer.from(key("elf")), Buffer.alloc(40)]);
    const dir = tree({ "app.bin": elf, "logo.png": Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(`\n${key("png")}\n`)]) });
    const r = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(json(r.stdout).findings.map((f) => f.path).sort()).toEqual(["app.bin", "logo.png"]);
  });

  it("UTF-16 without a byte-order mark is text, in both byte orders", () => {
    const le = Buffer.from(`# cfg\r\nKEY=${key("le")}\r\n`, "utf16le");
    const be = Buffer.from(Buffer.from(`# cfg\nKEY=${key("be")}\n`, "utf16le")).swap16();
    const dir = tree({ "le.txt": le, "be.txt": Buffer.concat([be, Buffer.from([0x41])]) });
    const r = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(json(r.stdout).findings.map((f) => `${f.path}:${f.line}`).sort()).toEqual(["be.txt:2", "le.txt:2"]);
  });

  // 2 GiB with KEYFENCE_LONG=1 (about 1 s on a quiet machine, 100 MB peak RSS); 512 MiB in the suite.
  const size = process.env.KEYFENCE_LONG ? 2 * 1024 ** 3 : 512 * 1024 ** 2;
  it(`a text header, then ${size >> 20} MiB of NULs (sparse), then a key: found at its end, memory flat`, () => {
    const dir = tree({});
    const file = join(dir, "dump.dat");
    const fd = openSync(file, "w");
    writeSync(fd, "header: text\n");
    const tail = Buffer.from(`\nSTRIPE=${key("2g")}\n`);
    ftruncateSync(fd, size);
    writeSync(fd, tail, 0, tail.length, size);
    closeSync(fd);
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, BIN, "scan", ".", "--format", "json"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status).toBe(1);
    const out = json(r.stdout);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]!.line).toBe(3);
    const maxRssKb = Number(r.stderr.trim().split("\n").pop());
    expect(maxRssKb).toBeLessThan(400 * 1024);
  }, 60_000);
});

describe("size limits", () => {
  it("text over --max-file-size is streamed; binary over it is named, and the scan is incomplete (exit 2) unless excluded", () => {
    const dir = tree({ "big.env": `${key("big")}\n${"x".repeat(5000)}\n`, "big.bin": Buffer.concat([Buffer.alloc(5000), Buffer.from(key("bin"))]) });
    const r = keyfence(["scan", ".", "--max-file-size", "1k", "--format", "json"], { cwd: dir });
    const out = json(r.stdout);
    expect(out.findings.map((f) => f.path)).toEqual(["big.env"]);
    expect(out.notices).toContainEqual(expect.objectContaining({ path: "big.bin", incomplete: true }));
    expect(out.summary.incomplete).toBe(true);
    const text = keyfence(["scan", ".", "--max-file-size", "1k", "--exclude", "big.env"], { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/not scanned: big\.bin: not scanned: binary file of 5\d+ bytes/);
    expect(text.stdout).toMatch(/1 file not scanned, see above; scan INCOMPLETE\.\n$/);
    writeFileSync(join(dir, "keyfence.config.json"), JSON.stringify({ exclude: ["big.bin", "big.env"] }));
    expect(keyfence(["scan", ".", "--max-file-size", "1k"], { cwd: dir }).code).toBe(0);
  });

  it("--max-file-size 0 and nonsense are usage errors", () => {
    const dir = tree({ "a.txt": "x" });
    for (const v of ["0", "0k", "-5", "lots", "99999999999g"]) {
      const r = keyfence(["scan", ".", `--max-file-size=${v}`], { cwd: dir });
      expect(r.code, v).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("keyfence staged blocks a 51 MiB staged text file holding a key", () => {
    const repo = TempRepo.init();
    const big = Buffer.alloc(51 * 1024 * 1024, "INSERT INTO t VALUES (1, 'row');\n");
    repo.write("dump.sql", Buffer.concat([big, Buffer.from(`-- ${key("staged")}\n`)]));
    repo.git("add", "dump.sql");
    const r = keyfence(["staged", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(["dump.sql"]);
  }, 60_000);
});

describe("special files and names", () => {
  it("a FIFO met during a walk is named and never opened (no hang); given as an argument it is read", () => {
    const dir = tree({ "a.env": `${key("a")}\n` });
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const walk = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(walk.code).toBe(1);
    expect(json(walk.stdout).notices).toContainEqual({ path: "pipe", reason: expect.stringMatching(/^named pipe not read/), incomplete: false });
    // Given explicitly: read as a stream (a writer feeds it).
    const script = `(printf '%s\\n' "$KEY" > pipe) & exec "${process.execPath}" "${BIN}" scan pipe --format json`;
    const r = spawnSync("sh", ["-c", script], { cwd: dir, encoding: "utf8", env: { ...process.env, KEY: key("fifo") }, timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(["pipe"]);
  });

  it("/dev/stdin and process substitution are read as streams", () => {
    const dir = tree({});
    const viaStdin = spawnSync(process.execPath, [BIN, "scan", "/dev/stdin", "--format", "json"], { cwd: dir, input: `${key("stdin")}\n`, encoding: "utf8" });
    expect(viaStdin.status).toBe(1);
    expect(json(viaStdin.stdout).findings).toHaveLength(1);
    const bash = spawnSync("bash", ["-c", `exec "${process.execPath}" "${BIN}" scan <(printf '%s\\n' "$KEY") --format json`], { cwd: dir, encoding: "utf8", env: { ...process.env, KEY: key("procsub") } });
    expect(bash.status).toBe(1);
    expect(json(bash.stdout).findings).toHaveLength(1);
  });

  it("a file name that is not valid UTF-8 is opened by its bytes and shown escaped", () => {
    const dir = tree({});
    mkdirSync(join(dir, "cfg"));
    const name = Buffer.concat([Buffer.from(join(dir, "cfg") + "/"), Buffer.from([0xdc]), Buffer.from("berweisung.env")]);
    writeFileSync(name, `${key("latin1")}\n`);
    const r = keyfence(["scan", ".", "--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual(["cfg/\\xDCberweisung.env"]);
    expect(json(r.stdout).notices.filter((n) => n.incomplete)).toEqual([]);
    // Through the worker pool too (-j 2 on a walk large enough to start workers).
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `f${i}.txt`), "nothing here\n");
    const pooled = keyfence(["scan", ".", "-j", "2", "--format", "json"], { cwd: dir });
    expect(json(pooled.stdout).findings.map((f) => f.path)).toEqual(["cfg/\\xDCberweisung.env"]);
  });
});

describe("history", () => {
  it("an odd-length UTF-16BE file at HEAD where history once added a key: no crash", () => {
    const repo = TempRepo.init();
    repo.write("notes.txt", `${key("hist")}\n`);
    repo.git("add", ".");
    repo.commit("add");
    repo.write("notes.txt", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(Buffer.from(`clean\n${key("hist")}\n`, "utf16le")).swap16(), Buffer.from([0x41])]));
    repo.git("add", ".");
    repo.commit("utf-16");
    const r = keyfence(["history", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(r.stderr).not.toMatch(/16-bits|internal error/);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as { findings: { exposure: { presentAtHead: boolean } }[] }).findings;
    expect(f).toHaveLength(1);
    expect(f[0]!.exposure.presentAtHead).toBe(true);
  });

  it("a key followed by a NUL in a committed file is found by history", () => {
    const repo = TempRepo.init();
    repo.write(".env", Buffer.concat([Buffer.from(`${key("histnul")}\n`), Buffer.from([0])]));
    repo.git("add", ".");
    repo.commit("env");
    const r = keyfence(["history", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.path)).toEqual([".env"]);
  });
});
