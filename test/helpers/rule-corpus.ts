// Real third-party code for rule quality checks: a fixed list of package folders that `npm ci`
// installs from package-lock.json (so their versions are pinned). Read once per test process.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Folders under node_modules, chosen for size and variety (compilers, parsers, test runners). */
export const CORPUS_FOLDERS = [
  "typescript/lib",
  "yaml/dist",
  "ajv/dist",
  "vitest/dist",
  "fast-check/lib",
  "@vitest/runner",
  "@vitest/expect",
  "picomatch",
  "ignore",
] as const;

const TEXT_FILE = /\.(?:js|mjs|cjs|ts|json|md)$/;

export interface CorpusFile {
  path: string;
  data: Buffer;
}

let cached: { files: CorpusFile[]; bytes: number } | undefined;

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (TEXT_FILE.test(e.name)) out.push(full);
  }
}

export function ruleCorpus(): { files: CorpusFile[]; bytes: number } {
  if (cached) return cached;
  const root = resolve(import.meta.dirname, "../../node_modules");
  const paths: string[] = [];
  for (const folder of CORPUS_FOLDERS) walk(join(root, folder), paths);
  const files = paths.map((path) => ({ path, data: readFileSync(path) }));
  cached = { files, bytes: files.reduce((n, f) => n + f.data.length, 0) };
  return cached;
}
