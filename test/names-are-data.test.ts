// Names are data, not trusted text. Table over every source that names things (file names in a walk,
// --stdin-name, staged paths, commit authors, e-mails and messages, ref names and annotated tags) ×
// every output format: a token in a name is itself a finding, the raw token never reaches any output,
// and no control character in a name can forge or erase a report line.
import { afterAll, describe, expect, it } from "vitest";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { escapeControls } from "../src/names/escape.js";
import { safeName } from "../src/names/present.js";

afterAll(cleanupTempDirs);

const FORMATS = ["text", "json", "sarif", "gitlab", "github-annotations", "github-summary"] as const;

/** A fresh GitHub token (generated from the rule's own template; fake by construction). */
function githubToken(salt: string): string {
  return /ghp_[A-Za-z0-9]{36}/.exec(positive("github-personal-access-token", 0, salt))![0];
}

const stripeLine = (salt: string) => positive("stripe-secret-key-live", 0, salt);

/** Raw control characters a name could smuggle into a report (newline allowed only as a line end). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/;

function expectNoRaw(out: string, secret: string): void {
  expect(out).not.toContain(secret);
  expect(out).not.toContain(secret.slice(4, 24));
}

function parseable(format: string, stdout: string): void {
  if (["json", "sarif", "gitlab"].includes(format)) expect(() => JSON.parse(stdout)).not.toThrow();
  if (format === "github-annotations") for (const line of stdout.split("\n").filter(Boolean)) expect(line).toMatch(/^::(error|warning|notice) file=/);
}

interface Case {
  name: string;
  /** Sets up the input and returns the command to run in `dir`. */
  setup(token: string): { dir: string; args: string[]; env?: NodeJS.ProcessEnv; stdin?: string };
  /** The kind of name the finding must say it was in. */
  kind: RegExp;
}

const CASES: Case[] = [
  {
    name: "a file name in a walked folder",
    setup: (t) => {
      const dir = tempDir("kf-names-");
      mkdirSync(join(dir, "deploy"));
      writeFileSync(join(dir, "deploy", `${t}.txt`), "nothing here\n");
      return { dir, args: ["scan", "."] };
    },
    kind: /in a file name/,
  },
  {
    name: "a folder name",
    setup: (t) => {
      const dir = tempDir("kf-names-");
      mkdirSync(join(dir, t));
      writeFileSync(join(dir, t, "readme.md"), "nothing here\n");
      return { dir, args: ["scan", "."] };
    },
    kind: /in a file name/,
  },
  {
    name: "--stdin-name",
    setup: (t) => ({ dir: tempDir("kf-names-"), args: ["scan", "-", "--stdin-name", `ci/${t}.env`], stdin: "nothing\n" }),
    kind: /in a standard input name/,
  },
  {
    name: "a staged path",
    setup: (t) => {
      const repo = TempRepo.init();
      repo.write(`config/${t}.yml`, "a: 1\n");
      repo.git("add", "-A");
      return { dir: repo.dir, args: ["staged"], env: repo.env };
    },
    kind: /in a file name/,
  },
  {
    name: "a commit message (git --range)",
    setup: (t) => {
      const repo = TempRepo.init();
      const base = repo.commitFile("a.txt", "a\n");
      repo.write("b.txt", "b\n");
      repo.git("add", "-A");
      const head = repo.commit(`fix deploy\n\nused ${t} for the release`);
      return { dir: repo.dir, args: ["git", "--range", `${base}..${head}`], env: repo.env };
    },
    kind: /in a commit message/,
  },
  {
    name: "an author e-mail (git --range)",
    setup: (t) => {
      const repo = TempRepo.init();
      const base = repo.commitFile("a.txt", "a\n");
      repo.write("b.txt", "b\n");
      repo.git("add", "-A");
      repo.git("-c", `user.email=${t}@example.com`, "commit", "-q", "--no-verify", "--author", `x <${t}@example.com>`, "-m", "b");
      const head = repo.git("rev-parse", "HEAD").trim();
      return { dir: repo.dir, args: ["git", "--range", `${base}..${head}`], env: repo.env };
    },
    kind: /in an? (author|committer)/,
  },
  {
    name: "a branch name (history)",
    setup: (t) => {
      const repo = TempRepo.init();
      repo.commitFile("a.txt", "a\n");
      repo.git("branch", `feature/${t}`);
      return { dir: repo.dir, args: ["history"], env: repo.env };
    },
    kind: /in a ref name/,
  },
  {
    name: "an annotated tag message (history)",
    setup: (t) => {
      const repo = TempRepo.init();
      repo.commitFile("a.txt", "a\n");
      repo.git("tag", "-a", "v1", "-m", `release with ${t}`);
      return { dir: repo.dir, args: ["history"], env: repo.env };
    },
    kind: /in a tag message/,
  },
];

describe("a token in a name is a finding, and never printed raw, in any format", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const token = githubToken(c.name);
      const { dir, args, env, stdin } = c.setup(token);
      for (const format of FORMATS) {
        const r = await cli([...args, "--format", format], dir, { ...process.env, ...env, NO_COLOR: "1" }, false);
        const input = stdin;
        void input;
        expect(r.code, `${format}: ${r.stderr}`).toBe(1);
        expectNoRaw(r.stdout + r.stderr, token);
        parseable(format, r.stdout);
        if (format === "json") {
          const doc = JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] };
          expect(doc.findings.some((f) => f.ruleId === "github-personal-access-token" && c.kind.test(f.message))).toBe(true);
        }
      }
    });
  }
});

describe("control characters in names cannot forge or erase a line", () => {
  const HOSTILE = ["esc\x1b[2K\x1b[1Aerased", "cr\roverwritten", "bel\x07", "nl\nkeyfence: No secrets found", "bidi\u202eexe.env", "tab\tname"];

  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("file %s holding a live key, in every format", async (_shown, hostile) => {
    const dir = tempDir("kf-names-ctl-");
    writeFileSync(join(dir, `${hostile}.env`), `${stripeLine(hostile)}\n`);
    for (const format of FORMATS) {
      const r = await cli(["scan", ".", "--format", format], dir, { ...process.env, NO_COLOR: "1" });
      expect(r.code, format).toBe(1);
      // JSON for programs keeps the exact name (JSON's escaping covers C0 controls); every other format
      // escapes it, bidi controls included.
      expect((format === "json" ? /[\x00-\x08\x0b-\x1f\x7f]/ : CONTROL).test(r.stdout), `${format} stdout has a raw control character`).toBe(false);
      expect(CONTROL.test(r.stderr)).toBe(false);
      parseable(format, r.stdout);
      if (format === "text") {
        // One finding: its three lines, a blank and the summary; no line of the name's own.
        expect(r.stdout.trimEnd().split("\n")).toHaveLength(5);
        expect(r.stdout).toContain(escapeControls(hostile));
      }
    }
  });

  it("escapes what a terminal or log would act on, and leaves ordinary names alone", () => {
    expect(escapeControls("a\x1b[2Kb\rc\x07d\ne\u202ef")).toBe("a\\x1b[2Kb\\rc\\x07d\\ne\\u202ef");
    for (const ordinary of ["src/app.ts", "Überweisung.env", "日本語/ファイル.txt", "a b (1).json"]) expect(safeName(ordinary)).toBe(ordinary);
  });
});
