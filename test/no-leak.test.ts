// A scanner must never print what it finds: every built-in rule's examples go through every source
// and output format, and no raw value may appear anywhere unless --show-secrets asks for it.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine/engine.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { BUILTIN, allPositives, positive } from "./helpers/secrets.js";
import { keyfence, tempTree } from "./helpers/cli.js";
import { TempRepo, cli } from "./helpers/git-repo.js";

const engine = new Engine(BUILTIN);
/**
 * Part-only rules (`alone: drop`) whose values are plain words, not secrets: a pair's environment
 * ("production"), a database user or host. Such words occur in output for other reasons.
 */
const NOT_SECRET_KINDS = new Set(BUILTIN.filter((r) => r.alone === "drop" && ["environment", "database-user", "database-host"].includes(r.kind)).map((r) => r.kind));

function corpus(salt: string) {
  const examples = allPositives(salt);
  const files: Record<string, string> = {};
  const secrets: string[] = [];
  examples.forEach(({ rule, text }, i) => {
    files[`src/${rule.id}-${i}.txt`] = text + "\n";
    for (const f of engine.scanBuffer(Buffer.from(text + "\n"), { path: "x" })) if (!NOT_SECRET_KINDS.has(f.kind)) secrets.push(revealSecret(f)!);
  });
  return { files, secrets, text: examples.map((e) => e.text).join("\n") };
}

function leaks(output: string, secrets: string[]): string[] {
  // Report only a short prefix of a leaked value, so a failing test does not print it either.
  return secrets.filter((s) => output.includes(s)).map((s) => `${s.slice(0, 6)}…(${s.length} chars)`);
}

describe("no raw secret in any output", () => {
  const { files, secrets, text } = corpus("#leak");

  it("the corpus really contains secrets of every rule", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(BUILTIN.length * 2);
  });

  it.each(["text", "json", "sarif", "gitlab", "github-annotations", "github-summary", "junit", "azure", "bitbucket"])("files → %s (stdout, stderr and --output file)", (format) => {
    const dir = tempTree(files);
    const r = keyfence(["scan", ".", "--format", format], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout + r.stderr, secrets)).toEqual([]);
    const w = keyfence(["scan", ".", "--format", format, "--output", "report.out"], { cwd: dir });
    expect(leaks(w.stdout + w.stderr + readFileSync(join(dir, "report.out"), "utf8"), secrets)).toEqual([]);
  });

  it("stdin → every format", () => {
    for (const format of ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"]) {
      const r = keyfence(["scan", "-", "--format", format], { input: text });
      expect(r.code).toBe(1);
      expect(leaks(r.stdout + r.stderr, secrets)).toEqual([]);
    }
  });

  it("git sources (staged, range, history) and ci → every format, audit log included", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "hi\n");
    for (const [rel, content] of Object.entries(files)) repo.write(rel, content);
    repo.git("add", ".");
    const log = join(repo.dir, "..", `audit-${Date.now()}.jsonl`);
    for (const format of ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"]) {
      const staged = await cli(["staged", "--format", format, "--audit-log", log], repo.dir, repo.env);
      expect(staged.code).toBe(1);
      expect(leaks(staged.stdout + staged.stderr, secrets)).toEqual([]);
    }
    repo.commit("add keys");
    // Remove them again, so history reports credentials no longer at HEAD too.
    repo.git("rm", "-q", "-r", "src");
    repo.commit("remove keys");
    for (const format of ["text", "json", "sarif", "gitlab"]) {
      for (const args of [["git", "--range", "HEAD~2..HEAD"], ["history"], ["ci", "--range", "HEAD~2..HEAD"]]) {
        const r = await cli([...args, "--format", format, "--audit-log", log], repo.dir, repo.env);
        expect(r.code, args.join(" ")).toBe(1);
        expect(leaks(r.stdout + r.stderr, secrets)).toEqual([]);
      }
    }
    expect(leaks(readFileSync(log, "utf8"), secrets)).toEqual([]);
    // Eighteen git and CI runs over every built-in rule's examples: the cost grows with the rule count.
  }, 240_000);

  it("a path named like a key is redacted in error messages", () => {
    const secret = positive("stripe-secret-key-live", 0, "#path").split("=")[1]!;
    const r = keyfence(["scan", `backup/${secret}.env`], { cwd: tempTree({}), env: { KEYFENCE_DEBUG: "1" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: backup\/sk_live_••••••••\w{4}\.env: no such file or directory$/m);
    expect(r.stderr).not.toContain(secret);
  });

  it("--show-secrets reveals values in text and JSON, never in SARIF", () => {
    const dir = tempTree(files);
    const t = keyfence(["scan", ".", "--show-secrets"], { cwd: dir });
    expect(leaks(t.stdout, secrets).length).toBeGreaterThan(0);
    const j = JSON.parse(keyfence(["scan", ".", "--format", "json", "--show-secrets"], { cwd: dir }).stdout);
    expect(j.findings.every((f: { secret?: string }) => typeof f.secret === "string" && secrets.includes(f.secret))).toBe(true);
    const s = keyfence(["scan", ".", "--format", "sarif", "--show-secrets"], { cwd: dir });
    expect(leaks(s.stdout, secrets)).toEqual([]);
  });

  it("error messages scrub a credential even when the user put it in a config key", () => {
    // A self-identifying credential (a prefixed key): the scrubber recognises what the rules recognise.
    const secret = positive("stripe-secret-key-live", 0, "#cfg").split("=")[1]!;
    const dir = tempTree({ "keyfence.config.yaml": `failOn: high\n"${secret}": 1\n` });
    const r = keyfence(["scan", "."], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key/);
    expect(leaks(r.stdout + r.stderr, [secret])).toEqual([]);
    expect(r.stderr).toContain("sk_live_••••••••");
  });
});
