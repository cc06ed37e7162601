// The one orchestrator: configuration applied once for every command (keyfence ci honours
// include/exclude like scan and git), units of bytes on the worker pool with the same findings as on
// one thread (ranges and history), line mapping and the lines that count, notices in their place,
// and formats registered as openers reached from any source.
import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { GitRangeSource, HeadBlobsSource, scanHistory, type Finding, type Source, type SourceItem, type UnitOpener } from "../src/index.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);
const aws = (salt: string) => positive("aws-access-key-id", 0, salt);

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** What a finding says, secret included (findings from workers must carry it back). */
const view = (f: Finding) => ({ ...f, secret: revealSecret(f) });

describe("configuration applied once, for every command", () => {
  it("keyfence ci skips what include/exclude exclude, like scan and git --range (it used to report vendor/)", async () => {
    const repo = TempRepo.init();
    repo.commitFile("keyfence.config.json", `${JSON.stringify({ exclude: ["vendor/**"] })}\n`);
    repo.write("vendor/lib/pay.env", `${stripe("vendor")}\n`);
    repo.write("app/ok.txt", "nothing here\n");
    repo.git("add", "-A");
    repo.commit("vendor a key");
    const ci = await cli(["ci", "--range", "HEAD~1..HEAD", "--format", "json"], repo.dir, repo.env);
    const git = await cli(["git", "--range", "HEAD~1..HEAD", "--format", "json"], repo.dir, repo.env);
    const scan = await cli(["scan", ".", "--format", "json"], repo.dir, repo.env);
    for (const [name, r] of Object.entries({ ci, git, scan })) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).findings, name).toEqual([]);
    }
    // And the same key outside vendor/ is reported by all three.
    repo.commitFile("app/pay.env", `${stripe("vendor")}\n`, "the key in app");
    for (const args of [["ci", "--range", "HEAD~1..HEAD"], ["git", "--range", "HEAD~1..HEAD"], ["scan", "."]]) {
      const r = await cli([...args, "--format", "json"], repo.dir, repo.env);
      expect(r.code, args[0]).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((f: Finding) => f.path), args[0]).toEqual(["app/pay.env"]);
    }
  });
});

/** A history with enough changed files that the pool starts when its threshold is lowered. */
function busyRepo(): TempRepo {
  const repo = TempRepo.init();
  for (let c = 0; c < 6; c++) {
    for (let k = 0; k < 8; k++) {
      const body = k % 3 === 0 ? `line\n${"filler\n".repeat(c + k)}${c % 2 ? aws(`b${c}-${k}`) : stripe(`b${c}-${k}`)}\n` : `nothing ${c} ${k}\n`.repeat(20);
      repo.write(`p${k % 4}/f${k}.env`, body);
    }
    repo.git("add", "-A");
    repo.commit(`c${c}`, `2024-0${c + 1}-10T10:00:00Z`);
  }
  return repo;
}

describe("the pool carries units of bytes", () => {
  const repo = busyRepo();
  const scanner = createScanner();

  it("a commit range scanned on two threads reports what one thread reports, in the same order, secrets included", async () => {
    const one = await all(scanner.scan(new GitRangeSource({ cwd: repo.dir, env: repo.env, all: true }), { jobs: 1 }));
    const two = await all(scanner.scan(new GitRangeSource({ cwd: repo.dir, env: repo.env, all: true }), { jobs: 2, pool: { minFiles: 2, minBytes: 1 } }));
    expect(one.length).toBeGreaterThan(10);
    expect(two.map(view)).toEqual(one.map(view));
    // Lines are the new file's, not the added text's: every key sits below its filler lines.
    expect(one.every((f) => f.line > 1 && f.commit)).toBe(true);
  });

  it("the blobs at HEAD too (bytes decoded by the text rules on the worker)", async () => {
    const paths = new Set(["p0/f0.env", "p3/f3.env", "p2/f6.env"]);
    const one = await all(scanner.scan(new HeadBlobsSource({ cwd: repo.dir, env: repo.env, paths }), { jobs: 1 }));
    const two = await all(scanner.scan(new HeadBlobsSource({ cwd: repo.dir, env: repo.env, paths }), { jobs: 2, pool: { minFiles: 2, minBytes: 1 } }));
    expect(one.map((f) => f.path)).toEqual(["p0/f0.env", "p2/f6.env", "p3/f3.env"]);
    expect(two.map(view)).toEqual(one.map(view));
  });

  it("dedupe keeps a fingerprint's first occurrence: the commit that introduced it", async () => {
    const r = TempRepo.init();
    const first = r.commitFile("a.env", `${stripe("dup")}\n`, "add", "2024-01-01T00:00:00Z");
    r.git("rm", "-q", "a.env");
    r.commit("remove", "2024-02-01T00:00:00Z");
    r.commitFile("a.env", `# back again\n${stripe("dup")}\n`, "re-add", "2024-03-01T00:00:00Z");
    const every = await all(scanner.scan(new GitRangeSource({ cwd: r.dir, env: r.env, all: true })));
    const once = await all(scanner.scan(new GitRangeSource({ cwd: r.dir, env: r.env, all: true }), { dedupe: true }));
    expect(every.map((f) => f.line)).toEqual([1, 2]);
    expect(once.map((f) => [f.commit, f.line])).toEqual([[first, 1]]);
  });
});

describe("history", () => {
  it("an odd-length UTF-16BE file at HEAD where history added a key: read, no internal error", async () => {
    const repo = TempRepo.init();
    const key = stripe("utf16");
    repo.commitFile("k.txt", `${key}\n`, "the key as UTF-8", "2024-01-01T00:00:00Z");
    // Rewritten as UTF-16BE with a BOM and one stray byte (an odd length): HEAD still holds the key.
    const utf16 = Buffer.from(`${key}\n`, "utf16le").swap16();
    repo.write("k.txt", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16, Buffer.from([0x41])]));
    repo.git("add", "-A");
    repo.commit("as UTF-16", "2024-02-01T00:00:00Z");
    const found = await all(scanHistory(createScanner(), { cwd: repo.dir, env: repo.env }));
    expect(found.map((f) => [f.path, f.exposure.presentAtHead])).toEqual([["k.txt", true]]);
    const r = await cli(["history", "--format", "json"], repo.dir, repo.env);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
  });
});

describe("sources and openers", () => {
  /** A toy format: a `.pairs` file whose lines `name=value` become one unit each, named `file!name`. */
  const pairs: UnitOpener = {
    name: "pairs",
    claims: (u) => u.target.path.endsWith(".pairs"),
    *open(unit): Generator<SourceItem> {
      if (unit.content.kind !== "bytes") return;
      for (const line of unit.content.data.toString("utf8").split("\n").filter(Boolean)) {
        const eq = line.indexOf("=");
        yield { target: { ...unit.target, path: `${unit.target.path}!${line.slice(0, eq)}` }, content: { kind: "bytes", data: Buffer.from(`${line.slice(eq + 1)}\n`) } };
      }
      yield { notice: { path: unit.target.path, reason: "opened as pairs", incomplete: false } };
    },
  };

  function memory(items: SourceItem[]): Source {
    return { name: "memory", items: () => items };
  }

  it("a registered opener is reached from any source, and its units are scanned in place with their notices", async () => {
    const scanner = createScanner();
    const notices: string[] = [];
    const source = memory([
      { notice: { path: "first", reason: "before everything", incomplete: false } },
      { target: { path: "plain.env", commit: "c1" }, content: { kind: "bytes", data: Buffer.from(`${stripe("o1")}\n`) } },
      { target: { path: "bundle.pairs", commit: "c2" }, content: { kind: "bytes", data: Buffer.from(`a=nothing\nb=${stripe("o2")}\n`) } },
    ]);
    const found = await all(scanner.scan(source, { openers: [pairs], onNotice: (n) => notices.push(`${n.path}: ${n.reason}`) }));
    expect(found.map((f) => [f.path, f.commit])).toEqual([
      ["plain.env", "c1"],
      ["bundle.pairs!b", "c2"],
    ]);
    expect(notices).toEqual(["first: before everything", "bundle.pairs: opened as pairs"]);
  });

  it("line mapping and the lines that count are applied after the engine, and globs and sizes before it", async () => {
    const scanner = createScanner();
    const text = `${stripe("m1")}\n${stripe("m2")}\n`;
    const notices: string[] = [];
    const binary = Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.alloc(text.length + 20, 0)]);
    const source = memory([
      { target: { path: "mapped.env" }, content: { kind: "bytes", data: Buffer.from(text) }, lines: { toUser: (n) => n + 40 }, counts: [[42, 42]] },
      { target: { path: "skip/me.env" }, content: { kind: "bytes", data: Buffer.from(text) } },
      // Over the size limit: text is still scanned, binary is named as not scanned (the scan is incomplete).
      { target: { path: "big.env" }, content: { kind: "bytes", data: Buffer.from(`${text}${"#".repeat(20)}`) } },
      { target: { path: "big.bin" }, content: { kind: "bytes", data: binary } },
    ]);
    const limit = text.length + 10;
    const found = await all(scanner.scan(source, { exclude: ["skip/**"], maxFileSize: limit, onNotice: (n) => notices.push(`${n.path}: ${n.reason} (${n.incomplete ? "incomplete" : "complete"})`) }));
    expect(found.map((f) => [f.path, f.line])).toEqual([
      ["mapped.env", 42],
      ["big.env", 1],
      ["big.env", 2],
    ]);
    expect(notices).toEqual([`big.bin: not scanned: binary file of ${binary.length} bytes is over the maximum file size of ${limit} (exclude it, or raise --max-file-size) (incomplete)`]);
  });

  it("a file named on the command line is scanned whatever the globs say (ripgrep's rule for explicit paths)", async () => {
    const repo = TempRepo.init();
    writeFileSync(join(repo.dir, "named.env"), `${stripe("named")}\n`);
    const r = await cli(["scan", "named.env", "--exclude", "*.env", "--format", "json"], repo.dir, repo.env);
    expect(JSON.parse(r.stdout).findings.map((f: Finding) => f.path)).toEqual(["named.env"]);
  });
});
