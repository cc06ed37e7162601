// The small parsers under the git sources: C-quoted paths, line splitting across chunks, and the
// unified / combined patch parser (added lines and their new-file line numbers).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { headerPath, unquote } from "../src/sources/git/quoted-path.js";
import { LineSplitter } from "../src/sources/git/line-splitter.js";
import { newRange, PatchParser, type CommitInfo } from "../src/sources/git/patch-parser.js";

function parse(text: string) {
  const events: string[] = [];
  const commits: CommitInfo[] = [];
  const p = new PatchParser({
    commit: (c) => commits.push(c),
    fileStart: (f) => events.push(`file ${f.path} ${f.blob ?? "-"}`),
    added: (b, st, e, n) => events.push(`${n}: ${b.toString("utf8", st, e)}`),
    fileEnd: () => events.push("end"),
  });
  for (const l of text.split("\n")) p.line(Buffer.from(l));
  p.end();
  return { events, commits };
}

describe("quoted paths", () => {
  it("decodes git's C quoting, including octal bytes of UTF-8", () => {
    expect(unquote(Buffer.from('"na\\303\\257ve \\"q\\" \\\\ \\t\\n"'))!.toString("utf8")).toBe('naïve "q" \\ \t\n');
    expect(headerPath(Buffer.from('"b/dir/\\346\\227\\245.env"'), "b/")).toBe("dir/日.env");
    expect(headerPath(Buffer.from("b/with space.txt\t"), "b/")).toBe("with space.txt");
    expect(headerPath(Buffer.from("b/-rf"), "b/")).toBe("-rf");
    expect(headerPath(Buffer.from("a/x"), "b/")).toBeUndefined();
    expect(unquote(Buffer.from('"unterminated'))).toBeUndefined();
  });
});

describe("LineSplitter", () => {
  it("yields the same lines for any chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "\n", "é", "\0"), { maxLength: 60 }), fc.array(fc.nat(80), { maxLength: 8 }), (chars, cuts) => {
        const data = Buffer.from(chars.join(""));
        const whole: string[] = [];
        const ws = new LineSplitter();
        ws.push(data, (b, st, e) => whole.push(b.toString("latin1", st, e)));
        ws.end((b, st, e) => whole.push(b.toString("latin1", st, e)));
        const parts: string[] = [];
        const s = new LineSplitter();
        let prev = 0;
        for (const c of [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)) {
          s.push(data.subarray(prev, c), (b, st, e) => parts.push(b.toString("latin1", st, e)));
          prev = c;
        }
        s.push(data.subarray(prev), (b, st, e) => parts.push(b.toString("latin1", st, e)));
        s.end((b, st, e) => parts.push(b.toString("latin1", st, e)));
        expect(parts).toEqual(whole);
        expect(whole.join("\n") + (data.at(-1) === 10 ? "\n" : "")).toBe(data.toString("latin1"));
      }),
    );
  });
});

describe("PatchParser", () => {
  it("reports added lines with new-file numbers across hunks, and skips deletions and removed lines", () => {
    const { events } = parse(
      [
        "diff --git a/x.txt b/x.txt",
        "index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644",
        "--- a/x.txt",
        "+++ b/x.txt",
        "@@ -2,0 +3,2 @@ context",
        "+new three",
        "+new four",
        "@@ -10 +12 @@",
        "-old",
        "+++ looks like a header but is content",
        "\\ No newline at end of file",
        "diff --git a/gone.txt b/gone.txt",
        "deleted file mode 100644",
        "--- a/gone.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
        'diff --git "a/sp\\303\\244t" "b/sp\\303\\244t"',
        "new file mode 100644",
        "--- /dev/null",
        '+++ "b/sp\\303\\244t"',
        "@@ -0,0 +1 @@",
        "+hello",
      ].join("\n"),
    );
    expect(events).toEqual([
      "file x.txt 2222222222222222222222222222222222222222",
      "3: new three",
      "4: new four",
      "12: ++ looks like a header but is content",
      "end",
      "file spät -",
      "1: hello",
      "end",
    ]);
  });

  it("reads commit headers and keeps only lines new to every parent in combined diffs", () => {
    const { events, commits } = parse(
      [
        "\0abc\0p1 p2\0Ada Dev <ada@example.test>\0" + "2024-01-01T00:00:00+00:00",
        "",
        "diff --cc f.txt",
        "index 1111111,2222222..3333333",
        "--- a/f.txt",
        "+++ b/f.txt",
        "@@@ -2,1 -2,1 +2,4 @@@",
        " +from first",
        "+ from second",
        "- gone",
        "++evil",
        "++evil too",
      ].join("\n"),
    );
    expect(commits).toEqual([{ commit: "abc", parents: ["p1", "p2"], author: "Ada Dev <ada@example.test>", date: "2024-01-01T00:00:00+00:00" }]);
    expect(events).toEqual(["file f.txt 3333333", "4: evil", "5: evil too", "end"]);
  });
});

describe("hunk header ranges", () => {
  it("reads the new-file range of any header line as the regex it replaced does", () => {
    const REGEX = / \+(\d+)(?:,(\d+))? @/;
    const piece = fc.constantFrom("@", "@@", "@@@", " ", "+", "-", ",", "0", "1", "7", "42", "x", " @", " +", ",3", "\t");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join("");
        const m = REGEX.exec(text);
        // Read in place from the middle of a larger buffer, as the parser does.
        const buf = Buffer.from(`@@ +1,1 @${text}\n +9 @`, "latin1");
        const got = newRange(buf, 9, 9 + text.length);
        if (!m) expect(got).toBeUndefined();
        else expect(got).toEqual({ start: Number(m[1]), count: m[2] === undefined ? undefined : Number(m[2]) });
      }),
      { numRuns: 5000 },
    );
    expect(newRange(Buffer.from("@@ -3,0 +4,2 @@ function x() {"))).toEqual({ start: 4, count: 2 });
    expect(newRange(Buffer.from("@@@ -1 -1,2 +1 @@@"))).toEqual({ start: 1, count: undefined });
  });
});
