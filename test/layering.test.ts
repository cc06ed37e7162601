// The architecture as a test (README "Architecture"): each layer imports only what sits below it.
//   sources ──units──▶ orchestrator ──▶ engine ──▶ policy (──▶ verify, opt-in) ──▶ reporters ──▶ cli
// The engine sees bytes and rules only; sources know nothing of rules, policy or output; reporters
// render findings and never reach into the engine; src/ci/ only detects the CI environment.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./helpers/cli.js";

const SRC = join(ROOT, "src");

/** Top-level module of a file under src/: its folder, or the file's name for top-level files. */
function layerOf(file: string): string {
  const rel = relative(SRC, file).split("\\").join("/");
  const slash = rel.indexOf("/");
  return slash < 0 ? rel.replace(/\.ts$/, "") : rel.slice(0, slash);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : []));
}

/** Every relative import (static, dynamic, type-only, re-export) of `file`, resolved to a file under src/. */
function importsOf(file: string, text = readFileSync(file, "utf8")): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  return out;
}

/** Layer → layers it must never import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  engine: ["sources", "orchestrator", "policy", "report", "cli", "ci", "scanner", "config", "hooks", "doctor", "fleet", "verify", "pairing"],
  sources: ["engine", "orchestrator", "policy", "report", "cli", "scanner", "config", "hooks", "doctor", "verify", "pairing"],
  finding: ["engine", "sources", "orchestrator", "policy", "report", "cli", "scanner", "verify", "pairing"],
  // Pairing sees findings and rules only: a scan unit's findings in, multi-part findings out.
  pairing: ["engine", "sources", "orchestrator", "policy", "report", "cli", "scanner", "config", "verify"],
  report: ["engine", "sources", "orchestrator", "cli", "scanner", "verify"],
  policy: ["engine", "sources", "orchestrator", "report", "cli", "scanner", "verify"],
  // Verification sits beside policy: it reads findings (and the engine's offline checks) and never
  // walks, scans or renders; only the CLI and the scanner API call it.
  verify: ["sources", "orchestrator", "report", "cli", "scanner", "fleet", "hooks", "doctor"],
  ci: ["cli", "report", "orchestrator", "scanner", "engine", "policy"],
  orchestrator: ["report", "cli"],
};

function violations(files: [file: string, text: string][]): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    const banned = FORBIDDEN[from];
    if (!banned) continue;
    for (const target of importsOf(file, text)) {
      const to = layerOf(target);
      if (to !== from && banned.includes(to)) out.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)} (${from} must not import ${to})`);
    }
  }
  return out;
}

describe("layering", () => {
  it("no module imports against the layers", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files.map((f) => [f, readFileSync(f, "utf8")]))).toEqual([]);
  });

  it("sees every kind of import, so a violation cannot hide", () => {
    const file = join(SRC, "engine", "example.ts");
    const text = [`import { a } from "../sources/files.js";`, `import type { B } from "../report/report.js";`, `export { c } from "../cli/main.js";`, `const d = await import("../policy/policy.js");`, `import "../orchestrator/pool.js";`].join("\n");
    expect(importsOf(file, text).map((t) => layerOf(t))).toEqual(["sources", "report", "cli", "policy", "orchestrator"]);
    expect(violations([[file, text]])).toHaveLength(5);
    // The same imports are fine from the CLI, which sits on top.
    expect(violations([[join(SRC, "cli", "example.ts"), text]])).toEqual([]);
  });
});
