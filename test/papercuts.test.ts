// The first-use papercuts of issue 17: the README's API example, CommonJS, exported types, and the
// CLI's error lines, suggestions, help, summary and default baseline.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keyfence, ROOT, tempTree } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";
import { gitTestEnv } from "./helpers/git-repo.js";
import { scanStaged, createScanner, KeyfenceError } from "../src/index.js";

/** A project folder where `keyfence` resolves to this package through node_modules, as after `npm install`. */
function project(files: Record<string, string>): string {
  const dir = tempTree(files);
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "keyfence"), "dir");
  return dir;
}

function runNode(dir: string, file: string, input = "") {
  const r = spawnSync(process.execPath, [file], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The body of the Markdown section headed `heading` (up to the next heading of that level or higher). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.split(" ")[0]!;
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

describe("library API", () => {
  it("the README's first example runs as written in a project without config/ (a notice, not a throw)", () => {
    const api = section(readFileSync(join(ROOT, "README.md"), "utf8"), "## Library API");
    const example = /```js\n([\s\S]*?)```/.exec(api)![1]!;
    const dir = project({ "src/app.env": `${positive("stripe-secret-key-live")}\n`, "example.mjs": example });
    const r = runNode(dir, "example.mjs");
    expect(r.stderr).not.toMatch(/KeyfenceError|Error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^src\/app\.env:1 critical stripe-secret-key-live sk_live_•+\w{4}$/m);
    expect(r.stderr).toContain("config no such file or directory");
  });

  it("require('keyfence') works from CommonJS (exports has require/default conditions)", () => {
    const dir = project({
      "main.cjs": `const k = require("keyfence");
const s = k.createScanner();
const f = s.scanBuffer(${JSON.stringify(positive("stripe-secret-key-live"))}, { path: "a.env" });
console.log(typeof k.scanGitRange, f.length, f[0].ruleId, k.VERSION === require("keyfence/package.json").version);`,
    });
    const r = runNode(dir, "main.cjs");
    expect(r.stderr).not.toContain("ERR_PACKAGE_PATH_NOT_EXPORTED");
    expect(r.stdout.trim()).toBe("function 1 stripe-secret-key-live true");
  });

  it("exports every type and value the API docs name", () => {
    const dts = readFileSync(join(ROOT, "dist", "index.d.ts"), "utf8");
    const exported = new Set<string>();
    for (const m of dts.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(",")) {
        const name = part.trim().replace(/^type /, "").split(/\s+as\s+/).pop()!;
        if (name) exported.add(name);
      }
    }
    const docs = [
      section(readFileSync(join(ROOT, "README.md"), "utf8"), "## Library API"),
      section(readFileSync(join(ROOT, "docs", "git.md"), "utf8"), "## API"),
    ].join("\n");
    const named = new Set<string>();
    for (const m of docs.matchAll(/`([A-Z][a-z][A-Za-z]*)`/g)) named.add(m[1]!);
    for (const m of docs.matchAll(/import \{([^}]*)\} from "keyfence"/g)) for (const n of m[1]!.split(",")) named.add(n.trim());
    for (const m of docs.matchAll(/`([a-z][A-Za-z]+)\(/g)) if (m[1] !== "require") named.add(m[1]!);
    expect(named).toContain("SourceNotice");
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
  });

  it("a cwd that does not exist is reported as such, not as a missing git", async () => {
    const missing = join(tempTree({}), "no-such-repo");
    const run = async () => {
      for await (const _ of scanStaged(createScanner(), { cwd: missing }));
    };
    await expect(run()).rejects.toThrow(KeyfenceError);
    await expect(run()).rejects.toThrow(/no such folder/);
    await expect(run()).rejects.not.toThrow(/git is not installed/);
  });
});

describe("command line", () => {
  it("an unknown option names the command once and suggests the nearest option", () => {
    const r = keyfence(["scan", "--fial-on", "high"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("keyfence scan: Unknown option '--fial-on' (did you mean '--fail-on'?) (see 'keyfence scan --help')\n");
    expect(r.stderr).not.toContain("keyfence: keyfence");
    // Nothing near: no guess.
    expect(keyfence(["scan", "--zzzzzz"]).stderr).not.toContain("did you mean");
  });

  it("a value starting with '-' says how to pass it", () => {
    const r = keyfence(["scan", "-", "--stdin-name", "-odd.env"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("write --stdin-name=VALUE");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown command suggests the nearest command", () => {
    const r = keyfence(["scna"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`keyfence: unknown command "scna" (did you mean 'scan'?) (run 'keyfence --help')\n`);
    expect(keyfence(["histroy"]).stderr).toContain("did you mean 'history'?");
    expect(keyfence(["frobnicate"]).stderr).not.toContain("did you mean");
  });

  it("'keyfence help scan' prints scan's help; 'keyfence help nope' is an unknown command", () => {
    const r = keyfence(["help", "scan"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(keyfence(["scan", "--help"]).stdout);
    expect(r.stdout).toMatch(/^Usage: keyfence scan/);
    expect(keyfence(["help", "staged"]).stdout).toMatch(/^Usage: keyfence staged/);
    const bad = keyfence(["help", "sacn"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("did you mean 'scan'?");
    expect(keyfence(["help"]).stdout).toContain("keyfence help <command>");
  });

  it("the summary counts files with findings apart from files scanned", () => {
    const dir = tempTree({
      "a.env": `${positive("stripe-secret-key-live")}\n${positive("stripe-secret-key-live", 0, "second")}\n`,
      "b.env": `${positive("stripe-secret-key-live", 0, "third")}\n`,
      "c.txt": "nothing here\n",
      "d.txt": "nothing here either\n",
    });
    const r = keyfence(["scan", "."], { cwd: dir });
    expect(r.stdout).toMatch(/\n3 findings \(3 critical\) in 2 files of 4 scanned; 3 block \(fail-on: medium\)\.\n$/);
    const json = JSON.parse(keyfence(["scan", ".", "--format", "json"], { cwd: dir }).stdout);
    expect(json.summary).toMatchObject({ findings: 3, files: 4, filesWithFindings: 2 });
  });

  it("a baseline written by 'baseline create' to its default path is used by the next scan", () => {
    const dir = tempTree({ "a.env": `${positive("stripe-secret-key-live")}\n` });
    expect(keyfence(["scan", "."], { cwd: dir }).code).toBe(1);
    const created = keyfence(["baseline", "create", "--reviewer", "ada", "--reason", "fixture"], { cwd: dir });
    expect(created.code).toBe(0);
    const next = keyfence(["scan", "."], { cwd: dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/baseline .*\.keyfence-baseline\.json: 1 accepted/);
    // A new secret still blocks, and --no-baseline reports everything again.
    writeFileSync(join(dir, "b.env"), `${positive("stripe-secret-key-live", 0, "fourth")}\n`);
    const after = keyfence(["scan", "."], { cwd: dir });
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("b.env:1");
    expect(after.stdout).not.toContain("a.env:1");
    expect(keyfence(["scan", ".", "--no-baseline"], { cwd: dir }).stdout).toContain("a.env:1");
  });

  it("ci does not pick up the default baseline from the tree under review", () => {
    const dir = tempTree({ "a.env": `${positive("stripe-secret-key-live")}\n` });
    const env = gitTestEnv(tempTree({}));
    for (const k of Object.keys(env)) if (/^(GITHUB_|GITLAB_|CI)/.test(k)) delete env[k];
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env });
    git("init", "-q");
    // Made in the repository, so with its fingerprint key (a baseline keyed elsewhere is refused).
    expect(keyfence(["baseline", "create"], { cwd: dir, env }).code).toBe(0);
    git("add", ".");
    git("commit", "-qm", "secret and a baseline accepting it");
    expect(keyfence(["git", "--all"], { cwd: dir, env }).code).toBe(0);
    // A range is a change under review (judged by its base, like ci): the tree cannot accept its own secrets.
    expect(keyfence(["git", "--range", "HEAD"], { cwd: dir, env }).code).toBe(1);
    const ci = keyfence(["ci"], { cwd: dir, env });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain("a.env:1");
  });
});
