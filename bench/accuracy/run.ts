// `npm run bench:accuracy`: generate the labeled corpus from a seed, scan it with the built-in
// packs, and print recall per class and per rule, precision and the false positives (redacted).
// `--real DIR` also scans a tree of real third-party code and lists every finding for review.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Engine } from "../../dist/engine/engine.js";
import { loadBuiltinRules } from "../../dist/rules/load.js";
import { pairFindings } from "../../dist/pairing/pair.js";
import { pairingPlan } from "../../dist/pairing/plan.js";
import { generateCorpus } from "./corpus.js";
import { SYNTAXES, syntaxCorpus } from "./syntaxes.js";
import { score } from "./score.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const seed = opt("--seed", "keyfence-accuracy-1");
const files = Number(opt("--files", "3000"));
const perSyntax = Number(opt("--per-syntax", "40"));
const realDir = args.includes("--real") ? opt("--real", "") : "";

const rules = loadBuiltinRules();
const engine = new Engine(rules);
// Findings as the scanner reports them before policy: paired per file (a pair is one finding naming
// its parts; part-only rules' lone matches, such as a client id or a database user, are dropped).
const plan = pairingPlan(rules);
const findingsOf = (buf: Buffer, path: string) => pairFindings(plan, engine.scanBuffer(buf, { path }));
const pct = (a: number, b: number) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(2)}%`);

const corpus = [...generateCorpus(seed, files), ...syntaxCorpus(seed, perSyntax)];
const bytes = corpus.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const t0 = performance.now();
const s = score(corpus, (f) => findingsOf(Buffer.from(f.text), f.path));
const ms = performance.now() - t0;

console.log(`labeled corpus: seed ${seed}, ${corpus.length} files, ${(bytes / 1e6).toFixed(2)} MB, ${s.labels} planted secrets, ${s.findings} findings (${s.pairs} pairs covering ${s.pairedLabels} planted parts) (${ms.toFixed(0)} ms)`);
console.log("\nrecall by class");
for (const [cls, e] of [...s.byClass].sort()) console.log(`  ${cls.padEnd(8)} ${pct(e.found, e.total).padStart(8)}  (${e.found}/${e.total})`);
console.log(`\nprecision ${pct(s.truePositives, s.truePositives + s.falsePositives.length)}  (${s.truePositives} true, ${s.falsePositives.length} false positives; ${s.unlabelledInfo} unlabelled info findings, not reported by default)`);
console.log(`\nrecall by syntax (${SYNTAXES.length} syntaxes, ${perSyntax} files each; credentials and look-alikes in the same syntax)`);
for (const [syntax, e] of [...s.bySyntax].sort()) console.log(`  ${syntax.padEnd(28)} ${pct(e.found, e.total).padStart(8)}  (${e.found}/${e.total})${e.falsePositives ? `  ${e.falsePositives} false positive(s)` : ""}`);
console.log("\nrecall by rule");
for (const [rule, e] of [...s.byRule].sort()) if (e.found < e.total || args.includes("--all")) console.log(`  ${rule.padEnd(42)} ${pct(e.found, e.total).padStart(8)}  (${e.found}/${e.total})`);
console.log(`  (${[...s.byRule].filter(([, e]) => e.found === e.total).length} of ${s.byRule.size} rules at 100%; --all lists them)`);
if (s.falsePositives.length) {
  console.log("\nfalse positives");
  for (const fp of s.falsePositives.slice(0, 50)) console.log(`  ${fp.path}:${fp.line} ${fp.ruleId} ${fp.redacted} — ${fp.why}`);
}
if (s.missed.length) {
  console.log("\nmissed");
  for (const m of s.missed.slice(0, 50)) console.log(`  ${m.path} ${m.rules[0]} (${m.how})`);
}

if (realDir) scanReal(realDir);

/** Every finding in a real tree, with totals, for manual review; secrets are shown redacted. */
function scanReal(root: string): void {
  let total = 0;
  let count = 0;
  const byRule = new Map<string, number>();
  const lines: string[] = [];
  const t = performance.now();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const size = statSync(p).size;
        if (size > 20e6) continue;
        const buf = readFileSync(p);
        // Binary files (a NUL in the first 8 KB) are skipped, as ripgrep does.
        if (buf.subarray(0, 8192).includes(0)) continue;
        total += buf.length;
        count++;
        for (const f of findingsOf(buf, relative(root, p))) {
          byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
          lines.push(`  ${f.severity.padEnd(8)} ${f.ruleId} ${f.path}:${f.line} ${f.redacted}`);
        }
      }
    }
  };
  walk(root);
  const secs = (performance.now() - t) / 1000;
  console.log(`\nreal code: ${root}: ${count} text files, ${(total / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s; ${lines.length} findings (${[...byRule].map(([r, n]) => `${r} ${n}`).join(", ") || "none"})`);
  for (const l of lines) console.log(l);
}
