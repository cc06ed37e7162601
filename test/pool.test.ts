// The worker pool must be invisible in the results: same findings, same order, same secrets (carried
// across the thread boundary beside the finding, never in it) as scanning on one thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { FilePool, usePool } from "../src/orchestrator/pool.js";
import { WHOLE_READ_LIMIT } from "../src/sources/files.js";
import { allPositives } from "./helpers/secrets.js";
import type { Finding } from "../src/types.js";
import type { SourceNotice } from "../src/sources/files.js";

let root: string;
const secrets = allPositives("#pool");

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "keyfence-pool-"));
  // Enough files for several batches per worker, secrets scattered across them.
  for (let d = 0; d < 6; d++) {
    mkdirSync(join(root, `pkg${d}`, "lib"), { recursive: true });
    for (let f = 0; f < 70; f++) {
      const s = secrets[(d * 70 + f) % secrets.length]!;
      const body = `// file ${d}/${f}\nconst x = ${f};\n${f % 3 === 0 ? s.text + "\n" : ""}${"filler text line\n".repeat(f * 3)}`;
      writeFileSync(join(root, `pkg${d}`, "lib", `m${f}.js`), body);
    }
  }
  // A file past the whole-read limit is streamed in the worker; secrets near its start, middle and end.
  const line = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n";
  const big = line.repeat(Math.ceil((WHOLE_READ_LIMIT + 1024 * 1024) / line.length));
  const mid = Math.floor(big.length / 2);
  writeFileSync(join(root, "pkg0", "big.log"), `${secrets[0]!.text}\n${big.slice(0, mid)}\n${secrets[1]!.text}\n${big.slice(mid)}\n${secrets[2]!.text}\n`);
  writeFileSync(join(root, "pkg1", "blob.dat"), Buffer.from([1, 2, 0, 3, ...Buffer.from(secrets[0]!.text)]));
  // Walk notices (links are never followed) must keep their place among the files' own notices.
  for (let d = 0; d < 6; d += 2) symlinkSync(join(root, "pkg0", "lib", "m0.js"), join(root, `pkg${d}`, "lib", "m35-link.js"));
  writeFileSync(join(root, "pkg2", "utf16.txt"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`k = 1\n${secrets[3]!.text}\n`, "utf16le")]));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function scan(jobs: number, pool = { minFiles: 1, minBytes: 0 }) {
  const scanner = createScanner();
  const findings: Finding[] = [];
  const notices: SourceNotice[] = [];
  const files: string[] = [];
  for await (const f of scanner.scanFiles([root], { cwd: root, jobs, pool, onNotice: (n) => notices.push(n), onFile: (f) => files.push(f.path) })) findings.push(f);
  return { findings, notices, files };
}

const view = (f: Finding) => ({ ...f, secret: revealSecret(f) });

describe("worker pool", () => {
  it("finds exactly what one thread finds, in the same order, with the same secrets", async () => {
    const one = await scan(1);
    const two = await scan(2);
    expect(one.findings.length).toBeGreaterThan(100);
    expect(two.findings.map(view)).toEqual(one.findings.map(view));
    expect(two.notices).toEqual(one.notices);
    expect(two.files).toEqual(one.files);
    // The streamed file's three secrets and the UTF-16 file's one came back from the workers.
    expect(two.findings.filter((f) => f.path === "pkg0/big.log").length).toBeGreaterThanOrEqual(3);
    expect(two.findings.some((f) => f.path === "pkg2/utf16.txt")).toBe(true);
    // A binary file is scanned for its printable runs, in a worker as on this thread.
    expect(two.findings.some((f) => f.path === "pkg1/blob.dat")).toBe(true);
    expect(two.notices.filter((n) => n.reason === "symbolic link not followed").map((n) => n.path)).toEqual(["pkg0/lib/m35-link.js", "pkg2/lib/m35-link.js", "pkg4/lib/m35-link.js"]);
  });

  it("orders findings by path (walk order), then offset", async () => {
    const { findings } = await scan(3);
    const sorted = [...findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.offset - b.offset));
    expect(findings.map((f) => `${f.path}@${f.offset}`)).toEqual(sorted.map((f) => `${f.path}@${f.offset}`));
  });

  it("never puts the secret in a finding's fields", async () => {
    const { findings } = await scan(2);
    for (const f of findings) {
      const secret = revealSecret(f);
      expect(secret).toBeTruthy();
      expect(JSON.stringify(f)).not.toContain(secret);
      expect(Object.values(f)).not.toContain(secret);
    }
  });

  it("gives the same results whether or not the walk is large enough to start workers", async () => {
    const pooled = await scan(2);
    const below = await scan(2, { minFiles: 1_000_000, minBytes: Number.MAX_SAFE_INTEGER });
    expect(below.findings.map(view)).toEqual(pooled.findings.map(view));
  });

  it("fails the scan when a worker cannot start, rather than reporting less", async () => {
    const broken = { id: "broken", regex: "(unclosed", keywords: ["x"], window: { before: 1, after: 1 } } as never;
    const pool = new FilePool(1, { rules: [broken], session: {} });
    try {
      await expect(pool.scan([{ target: { path: "m0.js" }, content: { kind: "file", abs: join(root, "pkg0", "lib", "m0.js"), size: 10 } }])).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });
});

describe("when to start workers", () => {
  const min = { minFiles: 256, minBytes: 8 << 20 };
  it("keeps small walks (a pre-commit's few files) and single files on the calling thread", () => {
    expect(usePool(2, { units: 10, files: 10, bytes: 50_000, complete: true }, min)).toBe(false);
    expect(usePool(2, { units: 1, files: 1, bytes: 1 << 30, complete: true }, min)).toBe(false);
    expect(usePool(1, { units: 10_000, files: 10_000, bytes: 1 << 30, complete: false }, min)).toBe(false);
  });
  it("uses workers once the walk has many files or many bytes", () => {
    expect(usePool(2, { units: 256, files: 256, bytes: 1000, complete: true }, min)).toBe(true);
    expect(usePool(2, { units: 2, files: 2, bytes: 8 << 20, complete: true }, min)).toBe(true);
    expect(usePool(2, { units: 40, files: 40, bytes: 1000, complete: false }, min)).toBe(true);
  });
  it("weighs units already in memory (history's added lines) by bytes only", () => {
    expect(usePool(2, { units: 2000, files: 0, bytes: 4 << 20, complete: true }, min)).toBe(false);
    expect(usePool(2, { units: 40, files: 0, bytes: 8 << 20, complete: true }, min)).toBe(true);
  });
});
