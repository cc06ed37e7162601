// The pre-receive hook end to end: a bare repository with 'keyfence install --pre-receive', and
// real `git push`es into it — allowed, blocked, bypassed (audited), branch deletion, force push,
// new branch, tags, the time budget — plus the parts (ref lines, push options) on their own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TempRepo, cleanupTempDirs, cliProcess, gitTestEnv, tempDir } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import { parseRefUpdates } from "../src/pre-receive/ref-updates.js";
import { bypassFromPushOptions, pushOptions } from "../src/pre-receive/push-options.js";
import { printable } from "../src/pre-receive/message.js";
import type { KeyfenceError } from "../src/errors.js";

const stripe = (salt: string) => positive("stripe-secret-key-live", 0, salt);

describe("pre-receive hook, real pushes into a bare repository", () => {
  let server: string;
  let work: TempRepo;
  const push = (...args: string[]) => work.tryGit(["push", "--porcelain", "origin", ...args]);
  const audit = () =>
    readFileSync(join(server, "keyfence-audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const lastPush = () => audit().filter((r) => r.type === "push").at(-1)!;
  const onServer = (oid: string) => new TempRepo(server, work.env).tryGit(["cat-file", "-e", `${oid}^{commit}`]).code === 0;

  beforeAll(() => {
    const env = gitTestEnv(tempDir("kf-home-"));
    server = tempDir("kf-server-");
    const bare = new TempRepo(server, env);
    bare.git("init", "-q", "--bare", "-b", "main");
    const installed = cliProcess(["install", "--pre-receive"], server, env);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain("installed the pre-receive hook");
    expect(bare.git("config", "receive.advertisePushOptions").trim()).toBe("true");
    // A loaded CI machine must not turn these into budget tests (the budget has its own test below).
    bare.git("config", "keyfence.preReceive.budget", "300");
    // Again: nothing changes but the script.
    expect(cliProcess(["install", "--pre-receive"], server, env).stdout).toContain("already runs keyfence");
    work = new TempRepo(undefined, env);
    work.git("init", "-q", "-b", "main");
    work.git("remote", "add", "origin", server);
  });
  afterAll(cleanupTempDirs);

  it("accepts a clean push and records it", () => {
    work.commitFile("README.md", "hello\n");
    work.commitFile("src/app.js", "export const x = process.env.STRIPE_KEY;\n");
    const r = push("main");
    expect(r.code, r.stderr).toBe(0);
    expect(lastPush()).toMatchObject({ decision: "accepted", commits: 2 });
  });

  it("rejects a push whose new commit adds a credential, without printing it, saying how to fix it", () => {
    const secret = stripe("block");
    const bad = work.commitFile("config/prod.env", `STRIPE_SECRET=${secret}\n`);
    const r = push("main");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("push rejected: 1 credential in 1 new commit");
    expect(r.stderr).toContain(`${bad.slice(0, 10)} config/prod.env:1  stripe-secret-key-live`);
    expect(r.stderr).toContain("git rebase -i");
    expect(r.stderr).toContain("keyfence-bypass=");
    expect(r.stderr).not.toContain(secret);
    expect(r.stderr).not.toContain(secret.slice(-8));
    // The quarantine was discarded: the rejected commit never reached the server's object store.
    expect(onServer(bad)).toBe(false);
    expect(lastPush()).toMatchObject({ decision: "rejected" });
    expect(JSON.stringify(audit())).not.toContain(secret);
  });

  it("refuses a bypass without a reason, and accepts one with a reason, recorded in the audit log", () => {
    const noReason = work.tryGit(["push", "-o", "keyfence-bypass", "origin", "main"]);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain("keyfence-bypass needs a reason");
    const r = work.tryGit(["push", "-o", "keyfence-bypass=TEST-1: generated key in a test", "origin", "main"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("BYPASSED (TEST-1: generated key in a test)");
    expect(lastPush()).toMatchObject({ decision: "bypassed", bypassRequested: "TEST-1: generated key in a test" });
    expect(audit().some((x) => x.type === "decision" && x.decision === "bypassed" && x.why === "TEST-1: generated key in a test")).toBe(true);
  });

  it("judges only commits new to the server: a new branch at known commits, and a lightweight tag, pass", () => {
    // Both point at the bypassed commit, which the server already has.
    expect(push("main:refs/heads/release").code).toBe(0);
    expect(lastPush()).toMatchObject({ decision: "accepted", commits: 0 });
    work.git("tag", "v1.0");
    expect(push("v1.0").code).toBe(0);
  });

  it("rejects a new branch and an annotated tag that bring a new commit with a credential", () => {
    work.git("checkout", "-q", "-b", "feature");
    const bad = work.commitFile("deploy/key.txt", `${stripe("branch")}\n`);
    const r = push("feature");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${bad.slice(0, 10)} deploy/key.txt:1`);
    work.git("tag", "-a", "-m", "release", "v2.0");
    const t = push("v2.0");
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain("deploy/key.txt:1");
  });

  it("accepts a force push that rewrites the offending commit away, and rejects one that adds a credential", () => {
    work.git("tag", "-d", "v2.0");
    work.git("rm", "-q", "deploy/key.txt");
    work.write("deploy/key.txt", "read from the vault\n");
    work.git("add", "deploy/key.txt");
    work.git("commit", "-q", "--amend", "--no-edit");
    expect(push("feature").code).toBe(0);
    work.write("deploy/key.txt", `${stripe("force")}\n`);
    work.git("add", "deploy/key.txt");
    work.git("commit", "-q", "--amend", "--no-edit");
    const r = push("--force", "feature");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("deploy/key.txt:1");
    work.git("reset", "-q", "--hard", "HEAD~1");
    work.commitFile("deploy/key.txt", "read from the vault, again\n");
    expect(push("--force", "feature").code).toBe(0);
  });

  it("accepts a branch deletion", () => {
    const r = push("--delete", "release");
    expect(r.code, r.stderr).toBe(0);
    expect(lastPush()).toMatchObject({ decision: "accepted", refs: [expect.objectContaining({ ref: "refs/heads/release", change: "delete" })] });
  });

  it("refuses a tag that points at a blob (it cannot be judged as commits)", () => {
    work.write("loose.txt", "not a commit\n");
    const blob = work.git("hash-object", "-w", "loose.txt").trim();
    work.git("tag", "blob-tag", blob);
    const r = push("refs/tags/blob-tag");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("tag blob-tag: points at a blob");
    work.git("tag", "-d", "blob-tag");
  });

  it("fails closed when the time budget runs out, and accepts with a warning only when the server says so", () => {
    const bare = new TempRepo(server, work.env);
    bare.git("config", "keyfence.preReceive.budget", "0.001");
    work.commitFile("docs/a.md", "one\n");
    work.commitFile("docs/b.md", "two\n");
    const r = push("feature");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("could not finish scanning it within 0.0 s");
    expect(lastPush()).toMatchObject({ decision: "rejected", timedOut: true });
    bare.git("config", "keyfence.preReceive.onTimeout", "accept");
    const a = push("feature");
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain("WARNING: the push was not fully scanned");
    expect(lastPush()).toMatchObject({ decision: "accepted-unscanned", timedOut: true });
    bare.git("config", "keyfence.preReceive.budget", "300");
    bare.git("config", "--unset", "keyfence.preReceive.onTimeout");
  });

  it("keeps an existing pre-receive hook running first, and uninstall restores it", () => {
    const other = tempDir("kf-server2-");
    const bare = new TempRepo(other, work.env);
    bare.git("init", "-q", "--bare");
    bare.write("hooks/pre-receive", "#!/bin/sh\ncat >/dev/null\necho other hook ran >&2\nexit 0\n");
    chmodSync(join(other, "hooks/pre-receive"), 0o755);
    expect(cliProcess(["install", "--pre-receive"], other, work.env).stdout).toContain("existing hook still runs first");
    const r = work.tryGit(["push", other, "main"]);
    expect(r.stderr).toContain("other hook ran");
    expect(cliProcess(["uninstall", "--pre-receive"], other, work.env).stdout).toContain("restored the previous one");
    expect(readFileSync(join(other, "hooks/pre-receive"), "utf8")).toContain("other hook ran");
    expect(existsSync(join(other, "hooks/pre-receive.keyfence-chained"))).toBe(false);
  });

  it("refuses --pre-receive outside a bare repository", () => {
    const r = cliProcess(["install", "--pre-receive"], work.dir, work.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--pre-receive is for the bare repository");
  });
});

describe("pre-receive parts", () => {
  it("parses ref updates and says what each does; a bad line is a one-line error naming it", () => {
    const z = "0".repeat(40);
    const a = "a".repeat(40);
    const u = parseRefUpdates(`${z} ${a} refs/heads/new\n${a} ${z} refs/heads/gone\n${a} ${"b".repeat(40)} refs/tags/v1\n`);
    expect(u.map((x) => x.change)).toEqual(["create", "delete", "update"]);
    const error = (text: string) => {
      try {
        parseRefUpdates(text);
      } catch (err) {
        return (err as KeyfenceError).format();
      }
      return "no error";
    };
    expect(error(`${a} ${a}\n`)).toMatch(/^stdin:1: expected/);
    expect(error(`${z} ${a} refs/heads/ok\n${a} xyz refs/heads/x\n`)).toMatch(/^stdin:2: expected/);
  });

  it("reads push options and the bypass reason", () => {
    const env = { GIT_PUSH_OPTION_COUNT: "2", GIT_PUSH_OPTION_0: "ci.skip", GIT_PUSH_OPTION_1: "keyfence-bypass=INC-9: revoked" };
    expect(pushOptions(env)).toEqual(["ci.skip", "keyfence-bypass=INC-9: revoked"]);
    expect(bypassFromPushOptions(pushOptions(env))).toBe("INC-9: revoked");
    expect(bypassFromPushOptions(["ci.skip"])).toBeUndefined();
    expect(() => bypassFromPushOptions(["keyfence-bypass=yes"])).toThrow(/needs a reason/);
  });

  it("shows control characters in names escaped", () => {
    expect(printable("a\x1b[2Kb\nc")).toBe("a\\x1b[2Kb\\x0ac");
  });
});
