#!/usr/bin/env node
// Prints where a profiled run spent its time:   node bench/profile-summary.mjs FILE.cpuprofile… [--top N]
// (profiles come from e.g. `node --cpu-prof --cpu-prof-dir prof bin/keyfence.js scan DIR`).
import { readFileSync } from "node:fs";
import { summariseProfile } from "./lib/profile.mjs";

const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const top = topAt >= 0 ? Number(args[topAt + 1]) : 20;
const files = args.filter((a, i) => a !== "--top" && i !== topAt + 1);
if (!files.length) {
  console.error("usage: profile-summary.mjs FILE.cpuprofile… [--top N]");
  process.exit(2);
}
for (const file of files) {
  const s = summariseProfile(JSON.parse(readFileSync(file, "utf8")), top);
  console.log(`\n${file} (${s.thread} thread): ${s.totalMs} ms sampled`);
  for (const r of s.functions) console.log(`${String(r.ms).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`);
  console.log("  by file:");
  for (const r of s.files) console.log(`${String(r.ms).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`);
}
