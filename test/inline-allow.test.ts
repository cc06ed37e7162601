import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { inlineAllowed, INLINE_LOOKAHEAD, INLINE_LOOKBACK } from "../src/engine/inline-allow.js";
import { createScanner } from "../src/scanner.js";
import { BUILTIN, positive } from "./helpers/secrets.js";
import { chunked } from "./helpers/chunks.js";
import type { Finding } from "../src/types.js";

const engine = new Engine(BUILTIN);
const eager = new Engine(BUILTIN, { compactAt: 1 });
const RULE = "stripe-secret-key-live";
const key = (f: Finding) => `${f.ruleId}@${f.offset}:${f.line}:${f.column}#${f.secretDigest}`;

function scan(text: string): Finding[] {
  return engine.scanBuffer(Buffer.from(text), { path: "t" });
}

async function streamed(data: Buffer, cuts: number[], using: Engine): Promise<string[]> {
  const chunks = chunked(data, cuts);
  const out: string[] = [];
  for await (const f of using.scanStream(chunks, { path: "t" })) out.push(key(f));
  return out;
}

describe("inline allows", () => {
  const secretLine = positive(RULE, 0, "#inline");

  it("a bare directive on the secret's line suppresses it; without one it is reported", () => {
    expect(scan(`${secretLine}\n`)).toHaveLength(1);
    expect(scan(`${secretLine}  # keyfence:allow\n`)).toHaveLength(0);
    expect(scan(`${secretLine} // keyfence:allow -- test fixture, rotated\n`)).toHaveLength(0);
  });

  it("a directive naming the rule applies to that rule only", () => {
    expect(scan(`${secretLine} # keyfence:allow ${RULE} -- test fixture\n`)).toHaveLength(0);
    expect(scan(`${secretLine} # keyfence:allow aws-access-key-id, ${RULE}\n`)).toHaveLength(0);
    const other = scan(`${secretLine} # keyfence:allow aws-access-key-id -- not this one\n`);
    expect(other.map((f) => f.ruleId)).toEqual([RULE]);
  });

  it("a comment-only line before the secret suppresses it", () => {
    expect(scan(`x = 1\n# keyfence:allow ${RULE} -- fixture\n${secretLine}\n`)).toHaveLength(0);
    expect(scan(`  /* keyfence:allow */\r\n${secretLine}\r\n`)).toHaveLength(0);
    expect(scan(`<!-- keyfence:allow -->\n${secretLine}\n`)).toHaveLength(0);
  });

  it("does not reach further: code before the directive, two lines up, or the line after", () => {
    expect(scan(`a = f()  # keyfence:allow\n${secretLine}\n`)).toHaveLength(1);
    expect(scan(`# keyfence:allow\n\n${secretLine}\n`)).toHaveLength(1);
    expect(scan(`${secretLine}\n# keyfence:allow\n`)).toHaveLength(1);
  });

  it("ignores look-alike markers", () => {
    expect(scan(`${secretLine} # keyfence:allowed\n`)).toHaveLength(1);
    expect(scan(`${secretLine} # keyfence:allow-list\n`)).toHaveLength(1);
    expect(scan(`${secretLine} # keyfence: allow\n`)).toHaveLength(1);
  });

  it("works through the public scanner (policy keeps the engine's decision)", () => {
    const scanner = createScanner();
    expect(scanner.scanBuffer(`${secretLine} # keyfence:allow\n`, { path: "a.env" })).toHaveLength(0);
    expect(scanner.scanBuffer(`${secretLine}\n`, { path: "a.env" })).toHaveLength(1);
  });

  it("inlineAllowed looks only within the view it is given", () => {
    const line = Buffer.from(`k=SECRET # keyfence:allow\n`);
    expect(inlineAllowed(line, 2, 8, RULE)).toBe(true);
    // Cut before the comment: the directive is out of view, so it does not count.
    expect(inlineAllowed(line.subarray(0, 9), 2, 8, RULE)).toBe(false);
    expect(INLINE_LOOKAHEAD).toBeGreaterThanOrEqual(1024);
    expect(INLINE_LOOKBACK).toBeGreaterThanOrEqual(1024);
  });

  it("finds a directive after a long line prefix that streaming has already compacted", async () => {
    const pad = "x".repeat(3000);
    const text = `${pad}\n# keyfence:allow\n${"y".repeat(900)} ${secretLine}\n${secretLine.replace(/.$/, "Q")}\n`;
    const data = Buffer.from(text);
    const whole = engine.scanBuffer(data, { path: "t" }).map(key);
    expect(whole).toHaveLength(1); // only the second, unallowed line
    for (const cut of [1, 100, 3001, 3010, 3020, 3900, data.length - 5]) {
      expect(await streamed(data, [cut], eager)).toEqual(whole);
    }
    expect(await streamed(data, Array.from({ length: data.length }, (_, i) => i), eager)).toEqual(whole);
  });

  it("streaming equals whole-buffer scanning with directives anywhere, for any chunking", async () => {
    const secrets = [positive(RULE, 0, "#p1"), positive("aws-access-key-id", 0, "#p2"), positive("stripe-secret-key-test", 0, "#p3")];
    const directive = fc.constantFrom("", " # keyfence:allow", ` # keyfence:allow ${RULE}`, " // keyfence:allow aws-access-key-id -- why", "\n# keyfence:allow\n", "# keyfence:allow\n");
    const filler = fc.stringMatching(/^[ -~\n]{0,200}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(filler, directive, fc.nat({ max: secrets.length - 1 }), directive), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 10 }),
        async (parts, cuts) => {
          const text = parts.map(([f, before, i, after]) => `${f}\n${before}${secrets[i]}${after}\n`).join("");
          const data = Buffer.from(text);
          const whole = engine.scanBuffer(data, { path: "t" }).map(key);
          expect(await streamed(data, cuts, eager)).toEqual(whole);
          expect(await streamed(data, cuts, engine)).toEqual(whole);
        },
      ),
      { numRuns: 100 },
    );
  });
});
