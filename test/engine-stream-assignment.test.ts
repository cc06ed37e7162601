// Streaming equals whole-buffer scanning for the assignment grammar: values in every syntax, names
// far from their values (CSV columns, entries), and chunk boundaries anywhere.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { expandExample } from "../src/rules/example-template.js";
import { randomLooking } from "../src/engine/validators.js";
import { BUILTIN } from "./helpers/secrets.js";
import { chunked } from "./helpers/chunks.js";
import type { Finding } from "../src/types.js";

const engine = new Engine(BUILTIN);
const eager = new Engine(BUILTIN, { compactAt: 1 });
const key = (f: Finding) => `${f.ruleId}@${f.offset}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}#${f.secretHash}`;

async function streamed(data: Buffer, cuts: number[], using = eager): Promise<string[]> {
  const out: string[] = [];
  for await (const f of using.scanStream(chunked(data, cuts), { path: "p" })) out.push(key(f));
  return out;
}

/** One value (§) per template, each in another syntax the grammar reads. */
const TEMPLATES = [
  'const ledgerApiToken = "§";',
  "LEDGER_DB_PASSWORD=§",
  "  ledger_secret: §",
  '{"ledger_password": "§"}',
  '{\\"ledger_password\\": \\"§\\"}',
  "const k = process.env.LEDGER_SECRET ?? '§';",
  "k = os.environ.get('LEDGER_SECRET', '§')",
  'os.Setenv("LEDGER_TOKEN", "§")',
  "- name: LEDGER_API_TOKEN\n  value: §",
  '{"key": "ledger_api_key", "value": "§"}',
  'variable "ledger_secret" {\n  type = string\n  default = "§"\n}',
  '<add key="LedgerSecret" value="§" />',
  "<password>§</password>",
  "ledgerctl --api-key §",
  "https://api.bank.example.org/v1?api_key=§&page=2",
  "Server=db;User Id=svc;Password=§;",
  "machine bank.example.org login svc password §",
  "let(:api_key) { '§' }",
  'Environment="LEDGER_SECRET=§"',
  "token: |\n  §",
];

/** A fake value the generic rule accepts (about 1 in 200 random strings reads as words and is not reported). */
function value(seed: string): string {
  for (let i = 0; ; i++) {
    const v = expandExample("{{alnum:32}}", `${seed}/${i}`);
    if (randomLooking(v)) return v;
  }
}

const filler = fc.stringMatching(/^[ -~\n]{0,200}$/);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

describe("streaming equals whole-buffer scanning for assignment rules", () => {
  it("for values in every syntax with random chunk boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(filler, fc.nat({ max: TEMPLATES.length - 1 }), fc.nat()), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 12 }),
        async (parts, cuts) => {
          const text = parts.map(([f, t, seed]) => `${f}\n${TEMPLATES[t]!.replace("§", value(`s${seed}`))}\n`).join("");
          const data = Buffer.from(text);
          const whole = engine.scanBuffer(data, { path: "p" }).map(key);
          expect(await streamed(data, cuts)).toEqual(whole);
          expect(await streamed(data, cuts, engine)).toEqual(whole);
          expect(whole.length).toBeGreaterThanOrEqual(parts.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("for a CSV column whose values sit far below the header", async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `${i},holder ${i},${i % 400 === 399 ? value(`row${i}`) : "-"}`);
    const data = Buffer.from(`id,holder,api_key\n${rows.join("\n")}\n`);
    const whole = engine.scanBuffer(data, { path: "p.csv" }).map(key);
    expect(whole).toHaveLength(3);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: data.length }), { maxLength: 8 }), async (cuts) => {
        expect(await streamed(data, cuts)).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });
});
