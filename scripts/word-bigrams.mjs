#!/usr/bin/env node
// Prints the letter pairs that src/engine/word-bigrams.ts calls rare: those below 1 in 100,000 of
// the pairs in the words of a tree's source files (the bench's SDK tree, `npm run bench` builds it).
// Usage: npm run build && node scripts/word-bigrams.mjs /path/to/tree
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const { nameWords } = await import("../dist/engine/assignment/rule-names.js");
const counts = new Map();
let total = 0;
let files = 0;
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && /\.(js|ts|md|py|go|java|rb)$/.test(e.name) && files < 6000) {
      files++;
      for (const m of readFileSync(p, "latin1").matchAll(/[A-Za-z]+/g)) {
        for (const w of nameWords(m[0])) {
          if (w.length < 4 || !/^[a-z]+$/.test(w)) continue;
          for (let i = 0; i + 1 < w.length; i++) counts.set(w.slice(i, i + 2), (counts.get(w.slice(i, i + 2)) ?? 0) + 1), total++;
        }
      }
    }
  }
}
walk(process.argv[2] ?? ".");
const letters = "abcdefghijklmnopqrstuvwxyz";
const rare = [];
for (const x of letters) for (const y of letters) if ((counts.get(x + y) ?? 0) / total < 1e-5) rare.push(x + y);
console.log(rare.join(" "));
