// History covers what a push carries: commit and annotated-tag messages, tags that point straight at a
// blob, every stash entry (not only the newest), and submodule commits — named as not scanned, with
// their paths, so the scan says it is incomplete instead of passing them over in silence.
import { afterAll, describe, expect, it } from "vitest";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";

afterAll(cleanupTempDirs);

const live = (salt: string) => positive("stripe-secret-key-live", 0, salt);

interface Json {
  findings: { ruleId: string; path: string; message: string; commit?: string }[];
  notices: { path: string; reason: string; incomplete: boolean }[];
  summary: { incomplete: boolean };
}

async function history(repo: TempRepo, args: string[] = []): Promise<{ code: number; doc: Json; stderr: string }> {
  const r = await cli(["history", "--format", "json", ...args], repo.dir, repo.env);
  return { code: r.code, doc: JSON.parse(r.stdout) as Json, stderr: r.stderr };
}

describe("keyfence history covers what a push carries", () => {
  it("every stash entry, not only the newest", async () => {
    const repo = TempRepo.init();
    repo.commitFile("app.env", "A=1\n");
    for (const salt of ["stash-old", "stash-mid", "stash-new"]) {
      repo.write("app.env", `A=1\n${live(salt)}\n`);
      repo.git("stash", "push", "-q", "-m", salt);
    }
    repo.write("untracked.env", `${live("stash-untracked")}\n`);
    repo.git("stash", "push", "-q", "--include-untracked", "-m", "untracked");
    const { code, doc } = await history(repo);
    expect(code).toBe(1);
    const stripe = doc.findings.filter((f) => f.ruleId === "stripe-secret-key-live");
    // Three worktree stashes and one untracked file: four distinct keys.
    expect(stripe).toHaveLength(4);
    expect(stripe.map((f) => f.path).sort()).toEqual(["app.env", "app.env", "app.env", "untracked.env"]);
  });

  it("a tag that points at a blob, lightweight or annotated", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    const { execFileSync } = await import("node:child_process");
    const write = (text: string) => execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: repo.dir, env: repo.env, input: text, encoding: "utf8" }).trim();
    repo.git("tag", "keys-light", write(`${live("tag-light")}\n`));
    repo.git("tag", "-a", "keys-annotated", "-m", "keys", write(`${live("tag-annotated")}\n`));
    const { code, doc } = await history(repo);
    expect(code).toBe(1);
    expect(doc.findings.filter((f) => f.ruleId === "stripe-secret-key-live").map((f) => f.path).sort()).toEqual(["refs/tags/keys-annotated", "refs/tags/keys-light"]);
  });

  it("commit and annotated-tag messages", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n", `rotate later: ${live("commit-message")}`);
    repo.git("tag", "-a", "v1", "-m", `release notes ${live("tag-message")}`);
    const { code, doc } = await history(repo);
    expect(code).toBe(1);
    const messages = doc.findings.filter((f) => f.ruleId === "stripe-secret-key-live").map((f) => f.message);
    expect(messages.some((m) => /in a commit message/.test(m))).toBe(true);
    expect(messages.some((m) => /in a tag message/.test(m))).toBe(true);
  });

  it("submodule commits are named as not scanned (incomplete, exit 2), unless excluded", async () => {
    const sub = TempRepo.init();
    sub.commitFile("lib.env", `${live("inside-submodule")}\n`);
    const repo = TempRepo.init();
    repo.commitFile("README.md", "# app\n");
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/lib");
    repo.commit("add submodule");
    const { code, doc, stderr } = await history(repo);
    expect(code).toBe(2);
    expect(doc.summary.incomplete).toBe(true);
    expect(doc.notices.find((n) => n.path === "vendor/lib")).toMatchObject({ incomplete: true, reason: expect.stringMatching(/^submodule commit [0-9a-f]{12} .*not scanned/) });
    expect(stderr).toMatch(/vendor\/lib: submodule commit/);
    // The same for the range that records it (keyfence git / ci).
    const range = await cli(["git", "--range", "HEAD~1..HEAD"], repo.dir, repo.env);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/vendor\/lib: submodule commit/);
    // Excluded by configuration: said nowhere, not incomplete.
    repo.write("keyfence.config.json", JSON.stringify({ exclude: ["vendor/**"] }));
    expect((await history(repo)).code).toBe(0);
  });
});
