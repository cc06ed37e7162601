// The outside battery's families as properties of our own, over generated inputs: (1) no output gives
// a secret back, (2) a hostile name neither leaks nor forges a line in any format, (3) no change to the
// configuration switches the gate off for itself. Short runs in `npm test`; `npm run fuzz` (FUZZ_RUNS)
// runs many more cases.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const LONG = Number(process.env.FUZZ_RUNS ?? 0) > 0;
const runs = (short: number, long: number) => (LONG ? long : short);

const FORMATS = ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"] as const;
const TOKEN_RULES = ["github-personal-access-token", "stripe-secret-key-live", "aws-access-key-id"] as const;

/** The raw credential a rule's example carries (the example's value part). */
function tokenOf(ruleId: string, salt: string): string {
  const line = positive(ruleId, 0, salt);
  return /[A-Za-z0-9_]{16,}/.exec(line.split(/[=:"' ]/).filter(Boolean).pop() ?? line)?.[0] ?? line;
}

/** Characters a hostile name is built from: plain, path-ish, and every kind of control. */
const hostileChar = fc.constantFrom("a", "Z", "0", "-", "_", ".", " ", "\x1b", "\r", "\n", "\x07", "\t", "\x00", "\x7f", "\x9b", "\u202e", "\u2028", "\u200b", "[", "2K", ";", "::", "%", "|", "<", ">", "`", "ü");
const hostileText = fc.array(hostileChar, { minLength: 0, maxLength: 12 }).map((a) => a.join("").replace(/\x00/g, ""));

/** Raw controls no escaping format may contain (JSON for programs: C0 only, which JSON escapes). */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

describe("battery: names neither leak nor forge a line", () => {
  it("a token inside a hostile file name or --stdin-name, every format", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, fc.constantFrom(...TOKEN_RULES), fc.boolean(), fc.integer(), async (before, after, ruleId, viaStdin, salt) => {
        const token = tokenOf(ruleId, `battery${salt}`);
        // The token stands as a word (a token run into more letters is another string, and not one).
        const name = `${before} ${token}.${after}.txt`.replace(/\//g, "_");
        const dir = tempDir("kf-battery-");
        // `=` form: a name may start with '-', which a separate argument would make an option.
        const args = viaStdin ? ["scan", "-", `--stdin-name=${name}`] : ["scan", "."];
        if (!viaStdin) {
          mkdirSync(join(dir, "d"), { recursive: true });
          writeFileSync(join(dir, "d", name), "nothing to see\n");
        }
        for (const format of FORMATS) {
          const r = viaStdin
            ? await (await import("./helpers/cli.js")).runCli([...args, "--format", format], { cwd: dir, stdin: "nothing\n" })
            : await cli([...args, "--format", format], dir, { ...process.env, NO_COLOR: "1" });
          expect(r.code, `${format}: ${r.stderr}`).toBe(1);
          const out = r.stdout + r.stderr;
          expect(out).not.toContain(token);
          if (format !== "json") expect(RAW_CONTROL.test(r.stdout), `${format}: raw control character`).toBe(false);
          else expect(/[\x00-\x08\x0b-\x1f]/.exec(r.stdout)?.input.slice(0, 400), "json: raw C0 control").toBeUndefined();
          expect(RAW_CONTROL.exec(r.stderr)?.input.slice(0, 300), `${format}: stderr`).toBeUndefined();
          if (format === "github-annotations") for (const l of r.stdout.split("\n").filter(Boolean)) expect(l).toMatch(/^::(error|warning|notice) /);
          if (["json", "sarif", "gitlab"].includes(format)) expect(() => JSON.parse(r.stdout)).not.toThrow();
        }
      }),
      { numRuns: runs(3, 200) },
    );
  }, 300_000);
});

/** One way to weaken the gate, as a configuration object. */
const weakening = fc.oneof(
  fc.constantFrom("never", "critical").map((failOn) => ({ failOn })),
  fc.constant({ builtinRules: false }),
  fc.constantFrom("**", "src/**", "**/*.env", "*/**").map((g) => ({ allowlist: { paths: [g] } })),
  fc.constantFrom("info", "low").map((s) => ({ severity: { "stripe-secret-key-live": s } })),
  fc.constant({ disableRules: ["stripe-secret-key-live"] }),
  fc.constantFrom("src/**", "**").map((g) => ({ exclude: [g] })),
  fc.constantFrom("sk_", "live", "ke").map((w) => ({ allowlist: { stopwords: [w] } })),
);

describe("battery: the change under review cannot switch the gate off", () => {
  it("any combination of weakenings, in the config or an extended file, still blocks a live key", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(weakening, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer(), async (changes, viaExtends, salt) => {
        const repo = TempRepo.init();
        repo.write("keyfence.config.json", JSON.stringify({ failOn: "medium" }));
        repo.write("README.md", "# app\n");
        repo.git("add", "-A");
        const base = repo.commit("base");
        const merged = Object.assign({}, ...changes) as object;
        if (viaExtends) {
          repo.write("keyfence.config.json", JSON.stringify({ extends: "./team.json" }));
          repo.write("team.json", JSON.stringify(merged));
        } else repo.write("keyfence.config.json", JSON.stringify(merged));
        repo.write("src/pay.env", `${positive("stripe-secret-key-live", 0, `gate${salt}`)}\n`);
        repo.git("add", "-A");
        const head = repo.commit("weaken and add a key");
        const r = await cli(["git", "--range", `${base}..${head}`, "--format", "json"], repo.dir, repo.env);
        expect(r.code, `${JSON.stringify(changes)}: ${r.stderr}`).toBe(1);
        const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; blocking: boolean }[] };
        expect(doc.findings.some((f) => f.ruleId === "keyfence-config-weakened" && f.blocking)).toBe(true);
        expect(doc.findings.some((f) => f.ruleId === "stripe-secret-key-live" && f.blocking)).toBe(true);
      }),
      { numRuns: runs(3, 60) },
    );
  }, 600_000);
});
