import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { BUILTIN, allPositives, positive } from "./helpers/secrets.js";
import { chunked } from "./helpers/chunks.js";
import type { Finding } from "../src/types.js";

const engine = new Engine(BUILTIN);
// Compacts the retained buffer at every opportunity, so line counting across dropped bytes is exercised.
const eager = new Engine(BUILTIN, { compactAt: 1 });
const key = (f: Finding) => `${f.ruleId}@${f.offset}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}#${f.secretDigest}`;

async function streamed(data: Buffer, cuts: number[], using = eager): Promise<string[]> {
  const chunks = chunked(data, cuts);
  const out: string[] = [];
  for await (const f of using.scanStream(chunks, { path: "p" })) out.push(key(f));
  return out;
}

const filler = fc.stringMatching(/^[ -~\n\u00e9\u4e2d]{0,300}$/);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

describe("streaming equals whole-buffer scanning", () => {
  const secrets = allPositives("#stream");

  it("for random text with embedded secrets and random chunk boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(filler, fc.nat({ max: secrets.length - 1 })), { minLength: 1, maxLength: 6 }),
        filler,
        fc.array(fc.nat({ max: 20000 }), { maxLength: 12 }),
        async (parts, tail, cuts) => {
          const text = parts.map(([f, i]) => `${f}\n${secrets[i]!.text}\n`).join("") + tail;
          const data = Buffer.from(text);
          const whole = engine.scanBuffer(data, { path: "p" }).map(key);
          expect(await streamed(data, cuts)).toEqual(whole);
          expect(await streamed(data, cuts, engine)).toEqual(whole);
          // Every embedded secret is found.
          expect(whole.length).toBeGreaterThanOrEqual(parts.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("for secrets run together with no separator (windows and gates of neighbours overlap)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.nat({ max: secrets.length - 1 }), fc.constantFrom("", " ", "=", "'", "\n", "secret: '", "token ", "API_KEY=", "https://")), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 12 }),
        async (parts, cuts) => {
          const data = Buffer.from(parts.map((p) => (typeof p === "number" ? secrets[p]!.text : p)).join(""));
          const whole = engine.scanBuffer(data, { path: "p" }).map(key);
          expect(await streamed(data, cuts)).toEqual(whole);
          expect(await streamed(data, cuts, engine)).toEqual(whole);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("finds a secret that straddles every possible boundary exactly once", async () => {
    const text = `x = 1\n${positive("stripe-secret-key-live", 0, "#edge")}\n`;
    const data = Buffer.from(text);
    const whole = engine.scanBuffer(data, { path: "p" }).map(key);
    expect(whole).toHaveLength(1);
    for (let cut = 0; cut <= data.length; cut++) expect(await streamed(data, [cut])).toEqual(whole);
    // One byte at a time.
    expect(await streamed(data, Array.from({ length: data.length }, (_, i) => i))).toEqual(whole);
  });

  it("a credential given right after another's match (`follows`) is found for every cut", async () => {
    // twilio-auth-token's example `Client("AC…", "token")`: the token has no name, only the SID before it.
    const text = `import os\n${positive("twilio-auth-token", 4, "#follows")}`;
    const data = Buffer.from(text);
    const whole = engine.scanBuffer(data, { path: "p" }).map(key);
    expect(whole.filter((k) => k.startsWith("twilio-auth-token@"))).toHaveLength(1);
    for (let cut = 0; cut <= data.length; cut++) expect(await streamed(data, [cut])).toEqual(whole);
  });

  it("a long keyword cut by a chunk boundary is found even when a shorter one follows in the same chunk", async () => {
    // Regression found by fuzzing: "klarna_test_api_" cut after "klarna_test_", with "test_" (another
    // rule's keyword) complete inside the first chunk, used to move the search past the long one.
    const text = positive("klarna-api-key-test", 1, "#cut");
    const data = Buffer.from(text);
    const whole = engine.scanBuffer(data, { path: "p" }).map(key);
    expect(whole).toHaveLength(1);
    for (let cut = 0; cut <= 40; cut++) expect(await streamed(data, [cut], engine)).toEqual(whole);
  });

  it("keeps memory to a window: a multi-megabyte stream with a secret at the end", async () => {
    const secret = positive("stripe-secret-key-live", 0, "#big");
    const line = Buffer.from("const value = compute(a, b) + other_thing; // ordinary code\n");
    const chunks = (function* () {
      for (let i = 0; i < 20000; i++) yield line;
      yield Buffer.from(secret + "\n");
    })();
    const found: Finding[] = [];
    for await (const f of engine.scanStream(chunks, { path: "big" })) found.push(f);
    expect(found).toHaveLength(1);
    expect(found[0]!.line).toBe(20001);
  });
});
