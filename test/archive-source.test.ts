// Archives as a source: every format, nesting, magic bytes, the bomb / depth / damage guards, and
// hostile names — through the real CLI, in a folder walk and given by name, on one thread and on two.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { keyfence, tempTree } from "./helpers/cli.js";
import { cleanupTempDirs, TempRepo } from "./helpers/git-repo.js";
import { gz, tarOf, zipOf } from "./helpers/archives.js";
import { positive } from "./helpers/secrets.js";
import { archiveItems } from "../src/sources/archive/read.js";
import { formatByMagic, formatWithoutReader } from "../src/sources/archive/format.js";
import { ArchiveBudget, DEFAULT_ARCHIVE_LIMITS } from "../src/sources/archive/limits.js";
import type { SourceItem } from "../src/sources/source.js";

const dirs: string[] = [];
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  cleanupTempDirs();
});
function tree(files: Record<string, string | Buffer>): string {
  const d = tempTree(files);
  dirs.push(d);
  return d;
}
const key = (salt: string) => `STRIPE_SECRET=${positive("stripe-secret-key-live", 0, salt)}\n`;
type Out = { findings: { path: string; line: number }[]; notices: { path: string; reason: string; incomplete: boolean }[] };
function scan(dir: string, args: string[] = ["."]): { code: number; out: Out; stdout: string } {
  const r = keyfence(["scan", ...args, "--format", "json"], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout) as Out, stdout: r.stdout };
}

describe("archive formats", () => {
  it("zip and its family, tar, tar.gz, tgz and gz: each entry scanned and named archive!entry", async () => {
    const env = { "config/app.env": key("zip"), "README.md": "# nothing\n" };
    const tarball = await tarOf({ "config/app.env": key("tar") });
    const dir = tree({
      "bundle.zip": zipOf(env),
      "lib/app.jar": zipOf({ "META-INF/app.properties": key("jar") }),
      "dist/pkg-1.0-py3-none-any.whl": zipOf({ "pkg/settings.py": key("whl") }),
      "dist/Pkg.1.0.nupkg": zipOf({ "content/appsettings.json": key("nupkg") }, { store: true }),
      "site.tar": tarball,
      "site.tar.gz": gz(await tarOf({ "config/app.env": key("targz") })),
      "site.tgz": gz(await tarOf({ "config/app.env": key("tgz") })),
      "dump.sql.gz": gz(`-- dump\n${key("gz")}`),
    });
    const { code, out } = scan(dir);
    expect(code).toBe(1);
    expect(out.findings.map((f) => `${f.path}:${f.line}`).sort()).toEqual(
      [
        "bundle.zip!config/app.env:1",
        "dist/Pkg.1.0.nupkg!content/appsettings.json:1",
        "dist/pkg-1.0-py3-none-any.whl!pkg/settings.py:1",
        "dump.sql.gz!dump.sql:2",
        "lib/app.jar!META-INF/app.properties:1",
        "site.tar!config/app.env:1",
        "site.tar.gz!config/app.env:1",
        "site.tgz!config/app.env:1",
      ].sort(),
    );
    expect(out.notices.filter((n) => n.incomplete)).toEqual([]);
  });

  it("nested archives read a.zip!b.tgz!c.env; a renamed archive is known by its magic bytes", async () => {
    const inner = gz(await tarOf({ "c.env": key("nested") }));
    const dir = tree({ "a.zip": zipOf({ "b.tgz": inner }), "artifact": zipOf({ "x/y.env": key("magic") }), "blob.data": inner });
    const { out } = scan(dir);
    expect(out.findings.map((f) => f.path).sort()).toEqual(["a.zip!b.tgz!c.env", "artifact!x/y.env", "blob.data!c.env"]);
  });

  it("an archive on standard input, a large renamed one, and a staged one are opened too", async () => {
    const zip = zipOf({ "config/app.env": key("stdin") });
    const viaStdin = keyfence(["scan", "-", "--stdin-name", "upload", "--format", "json"], { input: zip });
    expect((JSON.parse(viaStdin.stdout) as Out).findings.map((f) => f.path)).toEqual(["upload!config/app.env"]);
    const noise = Buffer.from(Array.from({ length: 9 * 1024 * 1024 }, (_, i) => (i * 7919) % 251));
    const dir = tree({ artifact: zipOf({ "noise.bin": noise, "k.env": key("bigrenamed") }, { store: true }) });
    expect(scan(dir).out.findings.map((f) => f.path)).toEqual(["artifact!k.env"]);
    const repo = TempRepo.init();
    repo.write("release.zip", zipOf({ "app.env": key("staged") }));
    repo.git("add", "release.zip");
    const staged = keyfence(["staged", "--format", "json"], { cwd: repo.dir, env: repo.env });
    expect(staged.code).toBe(1);
    expect((JSON.parse(staged.stdout) as Out).findings.map((f) => f.path)).toEqual(["release.zip!app.env"]);
  });

  it("history and ranges read a changed archive whole, not the fragments a diff shows of it", () => {
    const repo = TempRepo.init();
    // Deflate output holds newlines, so a diff of two versions shows pieces of binary "lines".
    const filler = Array.from({ length: 4000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}`).join("\n");
    repo.write("dist/app.js.gz", gz(`${filler}\n`));
    repo.write("dist/bundle.zip", zipOf({ "a.txt": filler }));
    repo.write("nb.ipynb", JSON.stringify({ cells: [{ cell_type: "code", source: ["x = 1\n"] }] }));
    repo.git("add", "-A");
    repo.commit("first versions");
    repo.write("dist/app.js.gz", gz(`${filler}\n${key("hist-gz")}`));
    repo.write("dist/bundle.zip", zipOf({ "a.txt": filler, "b.env": key("hist-zip") }));
    repo.write("nb.ipynb", JSON.stringify({ cells: [{ cell_type: "code", source: ["x = 1\n"] }, { cell_type: "code", source: [key("hist-nb")] }] }));
    repo.git("add", "-A");
    repo.commit("second versions");
    for (const args of [["history"], ["git", "--all"], ["git", "--range", "HEAD~1..HEAD"]]) {
      const r = keyfence([...args, "--format", "json"], { cwd: repo.dir, env: repo.env });
      const out = JSON.parse(r.stdout) as Out;
      expect(out.notices.filter((n) => n.incomplete), args.join(" ")).toEqual([]);
      expect(out.findings.map((f) => f.path).sort(), args.join(" ")).toEqual(["dist/app.js.gz!app.js", "dist/bundle.zip!b.env", "nb.ipynb#cell-2"]);
      expect(r.code, r.stderr).toBe(1);
    }
  });

  it("the same findings on one thread and on two (the pool opens archives in workers)", async () => {
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 300; i++) files[`pkg${i % 7}/f${i}.txt`] = "nothing\n";
    for (let i = 0; i < 12; i++) files[`pkg${i % 7}/b${i}.zip`] = zipOf({ [`e${i}.env`]: key(`pool${i}`) });
    const dir = tree(files);
    const one = scan(dir, [".", "-j", "1"]).out.findings.map((f) => f.path);
    const two = scan(dir, [".", "-j", "2"]).out.findings.map((f) => f.path);
    expect(one).toHaveLength(12);
    expect(two).toEqual(one);
  });

  it("a large text entry is streamed, not skipped (a size limit never lets a key pass)", async () => {
    const big = `${"x".repeat(4000)}\n${key("bigentry")}`;
    const dir = tree({ "big.tar": await tarOf({ "big.env": big }), "big.zip": zipOf({ "big.env": big }) });
    const { code, out } = scan(dir, [".", "--max-file-size", "1k"]);
    expect(out.findings.map((f) => `${f.path}:${f.line}`).sort()).toEqual(["big.tar!big.env:2", "big.zip!big.env:2"]);
    expect(code).toBe(1);
  });
});

describe("guards", () => {
  it("a zip bomb (ratio) and a gzip bomb are named as not scanned and make the scan incomplete", () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const dir = tree({ "bomb.zip": zipOf({ "zeros.bin": zeros, "ok.env": key("bombsibling") }), "bomb.gz": gz(zeros) });
    const { code, out, stdout } = scan(dir);
    expect(out.findings.map((f) => f.path)).toEqual(["bomb.zip!ok.env"]);
    expect(out.notices).toContainEqual({ path: "bomb.zip!zeros.bin", reason: expect.stringMatching(/compression ratio over 200:1/), incomplete: true });
    expect(out.notices).toContainEqual({ path: "bomb.gz!bomb", reason: expect.stringMatching(/compression ratio over 200:1/), incomplete: true });
    expect(code).toBe(1);
    expect(stdout).not.toContain("\u0000");
    const text = keyfence(["scan", "bomb.gz"], { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/not scanned: bomb\.gz!bomb: .*zip bomb guard.*\n\nNo secrets found in 1 file; 0 blocks? \(fail-on: medium\); 1 file not scanned, see above; scan INCOMPLETE\.\n$/s);
  });

  it("nesting deeper than the limit is named; shallower levels are scanned", async () => {
    let inner: Buffer = zipOf({ "deep.env": key("deep") });
    for (let i = 0; i < 6; i++) inner = zipOf({ [`level${i}.zip`]: inner, [`k${i}.env`]: i === 2 ? key("level") : "x=1\n" });
    const dir = tree({ "nest.zip": inner });
    const { code, out } = scan(dir);
    expect(out.findings.map((f) => f.path)).toEqual(["nest.zip!level5.zip!level4.zip!level3.zip!k2.env"]);
    expect(out.notices.filter((n) => n.incomplete).map((n) => n.reason)).toEqual(["not scanned: archive nested more than 5 levels deep"]);
    expect(code).toBe(1);
  });

  it("a damaged archive is named as not fully scanned (exit 2 when nothing blocks)", () => {
    const whole = zipOf({ "a.env": "x=1\n" });
    const dir = tree({ "broken.zip": whole.subarray(0, whole.length - 10), "broken.tgz": gz("not a tar, but cut").subarray(0, 12) });
    const { code, out } = scan(dir);
    expect(code).toBe(2);
    expect(out.notices.filter((n) => n.incomplete).map((n) => n.path).sort()).toEqual(["broken.tgz", "broken.zip"]);
  });

  it("entry names that climb out (../, absolute) are shown inside the archive and nothing is written", () => {
    const dir = tree({ "evil.zip": zipOf({ "../../escape.env": key("climb"), "/etc/abs.env": key("abs") }) });
    const { out } = scan(dir);
    expect(out.findings.map((f) => f.path).sort()).toEqual(["evil.zip!escape.env", "evil.zip!etc/abs.env"]);
    expect(existsSync(join(dir, "..", "escape.env"))).toBe(false);
  });

  it("a compressed format without a reader (7z, xz) is named as not fully scanned; its printable runs are still scanned", () => {
    const xz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]), Buffer.from(`\n${key("xz")}`)]);
    const sevenZ = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), Buffer.alloc(100)]);
    const dir = tree({ "logs.tar.xz": xz, "backup.7z": sevenZ });
    const { code, out } = scan(dir);
    expect(out.findings.map((f) => f.path)).toEqual(["logs.tar.xz"]);
    expect(out.notices.filter((n) => n.incomplete).map((n) => [n.path, n.reason.split(" compressed")[0]])).toEqual([
      ["backup.7z", "not fully scanned: 7z"],
      ["logs.tar.xz", "not fully scanned: xz"],
    ]);
    expect(code).toBe(1);
    expect(keyfence(["scan", "backup.7z"], { cwd: dir }).code).toBe(2);
  });

  it("the entry limit counts every level", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 30; i++) many[`f${i}.txt`] = "x\n";
    const items: SourceItem[] = [];
    const budget = new ArchiveBudget({ ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 10 });
    for await (const it of archiveItems({ path: "m.tar" }, "tar", { kind: "bytes", data: await tarOf(many) }, 1, budget)) items.push(it);
    expect(items.filter((i) => "content" in i)).toHaveLength(10);
    expect(items.at(-1)).toEqual({ notice: { path: "m.tar", reason: "not fully scanned: more than 10 entries (archive entry limit)", incomplete: true } });
  });
});

describe("formats by their first bytes", () => {
  it("knows a tar by its ustar field and the unread formats by their magic, whatever the name", async () => {
    expect(formatByMagic(await tarOf({ "a.env": "x=1\n" }))).toBe("tar");
    const notTar = Buffer.alloc(512, 0x61);
    notTar.write("ustaR", 257);
    expect(formatByMagic(notTar)).toBeUndefined();
    expect(formatWithoutReader(Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31]))).toBe("bzip2");
    expect(formatWithoutReader(Buffer.from([0x42, 0x5a, 0x68, 0x20]))).toBeUndefined();
    expect(formatWithoutReader(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]))).toBe("zstd");
    expect(formatWithoutReader(Buffer.from("B"))).toBeUndefined();
    expect(formatWithoutReader(Buffer.alloc(0))).toBeUndefined();
  });
});
