import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, keyfence } from "./helpers/cli.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("supply chain", () => {
  it("pins every dependency to an exact version, with a committed lock file", () => {
    for (const field of ["dependencies", "devDependencies"]) {
      for (const [name, range] of Object.entries<string>(pkg[field] ?? {})) expect(range, `${field}.${name}`).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    expect(lock.packages[""].dependencies).toEqual(pkg.dependencies);
  });

  it("the published package ships code, rules and schemas only: no tests, no fixtures", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    const roots = new Set(files.map((f) => f.split("/")[0]));
    expect([...roots].sort()).toEqual(["README.md", "bin", "dist", "package.json", "rules", "schema"].filter((x) => roots.has(x)).sort());
    expect(files.some((f) => /^(test|fixtures|bench)\//.test(f))).toBe(false);
    // And nothing credential-shaped rides along: keyfence finds nothing in what would be published.
    const scan = keyfence(["scan", ...files.filter((f) => !f.endsWith(".map")), "--format", "json", "--fail-on", "info", "--report-info"]);
    expect(JSON.parse(scan.stdout).findings).toEqual([]);
    expect(scan.code).toBe(0);
  });
});
