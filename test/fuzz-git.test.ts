// Fuzzing the git output parsers and the baseline loader: arbitrary bytes never throw from the
// parsers, split anywhere they give the same events, and a mutated baseline loads or fails with one
// located line. Bounded here; `npm run fuzz` runs more cases (FUZZ_RUNS).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PatchParser, type PatchEvents } from "../src/sources/git/patch-parser.js";
import { LineSplitter } from "../src/sources/git/line-splitter.js";
import { loadBaseline } from "../src/policy/baseline.js";
import { KeyfenceError } from "../src/errors.js";
import { chunked } from "./helpers/chunks.js";
import { tempTree } from "./helpers/cli.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const PATCH = [
  "\0" + "a".repeat(40) + "\0" + "b".repeat(40) + "\0Ada <ada@example.test>\x002024-01-15T10:00:00+00:00",
  "diff --git a/src/x.env b/src/x.env",
  "new file mode 100644",
  "index 0000000..1111111",
  "--- /dev/null",
  '+++ "b/src/we\\"ird\\nname.env"',
  "@@ -0,0 +1,3 @@",
  "+A=1",
  "+B=2",
  "+C=3",
  "diff --cc merged.txt",
  "index 1111111,2222222..3333333",
  "--- a/merged.txt",
  "+++ b/merged.txt",
  "@@@ -1,1 -1,1 +1,2 @@@",
  "++both",
  " +theirs",
  "\\ No newline at end of file",
].join("\n");

function events(bytes: Buffer, cuts: number[]): string[] {
  const out: string[] = [];
  const on: PatchEvents = {
    commit: (c) => out.push(`commit ${c.commit} ${c.parents.join(",")} ${c.author} ${c.date}`),
    fileStart: (f) => out.push(`file ${f.path} ${f.blob ?? ""}`),
    added: (b, st, e, n) => out.push(`+${n} ${b.toString("latin1", st, e)}`),
    fileEnd: () => out.push("end"),
  };
  const parser = new PatchParser(on);
  const splitter = new LineSplitter();
  for (const c of chunked(bytes, cuts)) splitter.push(c, (b, st, e) => parser.line(b, st, e));
  splitter.end((b, st, e) => parser.line(b, st, e));
  parser.end();
  return out;
}

describe("fuzz: git patch parsing", () => {
  it("a real-shaped patch parses to the expected events", () => {
    const e = events(Buffer.from(PATCH), []);
    expect(e).toContain('file src/we"ird\nname.env 1111111');
    expect(e.filter((x) => x.startsWith("+"))).toEqual(["+1 A=1", "+2 B=2", "+3 C=3", "+1 both"]); // " +theirs" is in a parent already
  });

  it("mutated patches and random bytes never throw, and splitting them anywhere changes nothing", () => {
    const base = Buffer.from(PATCH);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
          fc.array(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 8 })), { maxLength: 6 }).map((edits) => {
            let b = base;
            for (const [at, ins] of edits) {
              const i = at % (b.length + 1);
              b = Buffer.concat([b.subarray(0, i), Buffer.from(ins), b.subarray(i + (ins.length % 3))]);
            }
            return b;
          }),
        ),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }),
        (bytes, cuts) => {
          expect(events(bytes, cuts)).toEqual(events(bytes, []));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("fuzz: baseline files", () => {
  const dir = tempTree({});
  const entry = {
    fingerprint: "0".repeat(32),
    ruleId: "stripe-secret-key-live",
    path: "config/app.env",
    secretDigest: "a".repeat(64),
    added: "2026-01-01",
    reviewer: "sec",
    reason: "test key",
    expires: "2027-01-01",
  };
  const text = JSON.stringify({ version: 1, entries: [entry] }, null, 2);

  it("mutated baselines load or fail with one line naming the file", () => {
    let i = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("", "\"", "{", "}", ",", "..", "../", "/", "null", "1e309", "\\u0000", "[]")), { minLength: 1, maxLength: 4 }),
        (edits) => {
          let t = text;
          for (const [at, ins] of edits) {
            const k = at % (t.length + 1);
            t = t.slice(0, k) + ins + t.slice(k + (ins ? 0 : 1));
          }
          const file = join(dir, `b${i++}.json`);
          writeFileSync(file, t);
          try {
            loadBaseline(file);
          } catch (err) {
            expect(err).toBeInstanceOf(KeyfenceError);
            const line = (err as KeyfenceError).format();
            expect(line).not.toMatch(/[\r\n]/);
            expect(line).toContain(`b${i - 1}.json`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
