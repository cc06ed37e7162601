// keyfence fleet: plans that stay put when a repository is added, shard scans over real mirrors
// with checkpoints and per-repository failures, and a merge that counts a credential found in
// several repositories once. A handful of repositories keeps it fast; the 200-repository run is
// bench/fleet-simulation.mjs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { TempRepo, cleanupTempDirs, cli, gitTestEnv, tempDir } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import { planShards, rendezvousOrder, type FleetPlan } from "../src/fleet/plan.js";
import { identify, withoutCredentials } from "../src/fleet/repo-identity.js";
import { githubMatrix, k8sIndexedJob } from "../src/fleet/plan-formats.js";
import { createScanner } from "../src/scanner.js";
import { scanSettingsDigest } from "../src/fleet/checkpoint.js";
import { scanHistory } from "../src/index.js";
import { historyNameFindings } from "../src/orchestrator/git.js";
import { historyNames } from "../src/sources/git/names.js";
import type { RepoEntry } from "../src/fleet/repo-list.js";

function entries(n: number, seed = 7): RepoEntry[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => ({ id: `github.com/acme/svc-${i}`, location: `https://github.com/acme/svc-${i}.git`, kind: "url" as const, sizeKiB: Math.round(50 + rand() * 5000) }));
}

const assignment = (p: FleetPlan) => new Map(p.shards.flatMap((s) => s.repositories.map((r) => [r.id, s.index] as const)));

describe("fleet plan", () => {
  it("adding a repository moves no other one (with the previous plan), and stays balanced by size", () => {
    const before = planShards(entries(120), 8, { version: "t" });
    expect(before.imbalance).toBeLessThan(1.1);
    for (let k = 0; k < 10; k++) {
      const grown = [...entries(120), { id: `github.com/acme/new-${k}`, location: `https://github.com/acme/new-${k}`, kind: "url" as const, sizeKiB: 100 + k * 900 }];
      const after = planShards(grown, 8, { version: "t", previous: before });
      const a = assignment(before);
      const b = assignment(after);
      const moved = [...a.keys()].filter((id) => a.get(id) !== b.get(id));
      expect(moved).toEqual([]);
      expect(after.kept).toBe(120);
      expect(after.placed).toBe(1);
      expect(b.has(`github.com/acme/new-${k}`)).toBe(true);
    }
  });

  it("without a previous plan, depends on the set of repositories, not on the order of the list", () => {
    const list = entries(40);
    const a = assignment(planShards(list, 5, { version: "t" }));
    const b = assignment(planShards([...list].reverse(), 5, { version: "t" }));
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  it("places each newcomer on its own rendezvous choice while that shard has room", () => {
    const one = planShards([{ id: "h/x", location: "https://h/x", kind: "url", sizeKiB: 10 }], 6, { version: "t" });
    expect(one.shards.findIndex((s) => s.repositories.length === 1)).toBe(rendezvousOrder("h/x", 6)[0]);
  });

  it("writes the shapes CI engines consume", () => {
    const p = planShards(entries(10), 3, { version: "t" });
    expect(githubMatrix(p)).toEqual({ include: [0, 1, 2].map((i) => expect.objectContaining({ shard: i, shards: 3 })) });
    expect(k8sIndexedJob(p)).toMatchObject({ kind: "Job", spec: { completionMode: "Indexed", completions: 3 } });
  });

  it("never keeps credentials of a clone URL", () => {
    const token = "tok" + "en-value-1234567890";
    expect(withoutCredentials(`https://x-access-token:${token}@github.com/acme/a.git`)).toBe("https://github.com/acme/a.git");
    expect(withoutCredentials(`https://${token}@gitlab.example/acme/a.git?private_token=${token}`)).toBe("https://gitlab.example/acme/a.git");
    expect(withoutCredentials(`ssh://git:${token}@host/acme/a.git`)).toBe("ssh://git@host/acme/a.git");
    expect(identify(`https://u:${token}@GitHub.com/acme/a.git`, "/")).toEqual({ id: "github.com/acme/a", location: "https://GitHub.com/acme/a.git", kind: "url" });
    expect(identify("git@github.com:acme/b.git", "/")).toMatchObject({ id: "github.com/acme/b", kind: "url" });
  });
});

describe("fleet scan and merge over real repositories", () => {
  let env: NodeJS.ProcessEnv;
  let root: string;
  const repos: TempRepo[] = [];
  const shared = positive("stripe-secret-key-live", 0, "shared");
  const token = "tok" + "en-in-the-list-0987654321";
  // A credential pasted into a commit message: a name the audit must report (and never write back).
  const inMessage = positive("stripe-secret-key-live", 0, "in-message");

  beforeAll(() => {
    env = gitTestEnv(tempDir("kf-home-"));
    root = tempDir("kf-fleet-");
    for (let i = 0; i < 4; i++) {
      mkdirSync(join(root, `repo-${i}`));
      const r = new TempRepo(join(root, `repo-${i}`), env);
      r.git("init", "-q", "-b", "main");
      r.commitFile("README.md", `service ${i}\n`, "readme", "2024-01-10T10:00:00Z");
      // The same credential at the same path in repos 0 and 1: one credential, two places.
      if (i < 2) r.commitFile("config/prod.env", `STRIPE_SECRET=${shared}\n`, "config", "2024-02-01T10:00:00Z");
      if (i === 2) {
        r.commitFile("deploy/aws.txt", `${positive("aws-access-key-id", 0, "only-2")}\n`, "aws", "2024-03-01T10:00:00Z");
        r.commitFile("CHANGELOG.md", "rotated\n", `rotated the key, the old one was ${inMessage}`, "2024-03-01T12:00:00Z");
        r.git("rm", "-q", "deploy/aws.txt");
        r.commit("remove", "2024-03-02T10:00:00Z");
        r.git("checkout", "-q", "-b", "side");
        r.commitFile("side.env", `STRIPE=${positive("stripe-secret-key-live", 0, "side")}\n`, "side", "2024-04-01T10:00:00Z");
        r.git("checkout", "-q", "main");
      }
      repos.push(r);
    }
    writeFileSync(
      join(root, "repos.txt"),
      ["# fleet", ...repos.map((r) => r.dir), `${join(root, "does-not-exist")}`, `https://x:${token}@127.0.0.1:9/acme/unreachable.git 100`].join("\n") + "\n",
    );
  });
  afterAll(cleanupTempDirs);

  it("plans, scans each shard (failures recorded, the shard goes on), skips unchanged repositories, and merges", async () => {
    const plan = await cli(["fleet", "plan", "repos.txt", "--shards", "2", "--output", "plan.json", "--format", "github-matrix"], root, env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ include: [expect.objectContaining({ shard: 0 }), expect.objectContaining({ shard: 1 })] });
    expect(readFileSync(join(root, "plan.json"), "utf8")).not.toContain(token);

    const first = [];
    for (const shard of ["0", "1"]) first.push(await cli(["fleet", "scan", "--plan", "plan.json", "--shard", shard, "--out", `out/shard-${shard}`], root, env));
    // Two entries cannot be cloned: some shard says so with exit 2, and every other repository was scanned.
    expect(first.map((r) => r.code)).toContain(2);
    const all = first.map((r) => r.stderr).join("");
    expect(all).not.toContain(token);
    expect(all.match(/fleet scan: ok /g)?.length).toBe(4);
    expect(all.match(/fleet scan: failed /g)?.length).toBe(2);

    // Re-run: nothing changed, nothing scanned again.
    const again = [];
    for (const shard of ["0", "1"]) again.push(await cli(["fleet", "scan", "--plan", "plan.json", "--shard", shard, "--out", `out/shard-${shard}`], root, env));
    expect(again.map((r) => r.stderr).join("").match(/fleet scan: unchanged /g)?.length).toBe(4);
    // A new commit in one repository: only that one is scanned again.
    repos[3]!.commitFile("notes.md", "more\n", "notes", "2024-05-01T10:00:00Z");
    const third = [];
    for (const shard of ["0", "1"]) third.push(await cli(["fleet", "scan", "--plan", "plan.json", "--shard", shard, "--out", `out/shard-${shard}`], root, env));
    const t = third.map((r) => r.stderr).join("");
    expect(t.match(/fleet scan: unchanged /g)?.length).toBe(3);
    expect(t).toMatch(/fleet scan: ok +[^\n]*repo-3 \(2 commits/);

    const merged = await cli(["fleet", "merge", "out", "--output", "fleet.json", "--output", "fleet.sarif", "--output", "fleet.md", "--output", "fleet.html"], root, env);
    expect(merged.code, merged.stderr).toBe(2); // two repositories were not scanned
    const doc = JSON.parse(readFileSync(join(root, "fleet.json"), "utf8"));
    expect(doc.summary).toMatchObject({ repositories: 6, ok: 4, failed: 2 });
    const sharedCredential = doc.credentials.filter((c: { repositories: string[] }) => c.repositories.length === 2);
    expect(sharedCredential).toHaveLength(1);
    expect(sharedCredential[0].places).toHaveLength(2);
    expect(doc.credentials).toHaveLength(doc.findings.length - 1);
    expect(doc.repositories.find((r: { id: string }) => r.id === "127.0.0.1/acme/unreachable")).toMatchObject({ status: "failed", location: "https://127.0.0.1:9/acme/unreachable.git" });

    // The merge holds what one process scanning every repository finds.
    // Compared by place, not fingerprint: this scanner's key is its own.
    const scanner = createScanner();
    const single: string[] = [];
    for (const r of repos) {
      const found = [];
      for await (const f of scanHistory(scanner, { cwd: r.dir, env })) found.push(f);
      found.push(...(await historyNameFindings(scanner, await historyNames({ cwd: r.dir, env }), found, [], { cwd: r.dir, env })));
      for (const f of found) single.push(`${r.dir}\0${f.ruleId}\0${f.path}:${f.line}\0${f.commit}`);
    }
    expect(doc.findings.filter((f: { path: string }) => f.path === "-")).toHaveLength(1);
    expect(doc.findings.map((f: { repository: string; ruleId: string; path: string; line: number; commit: string }) => `${f.repository}\0${f.ruleId}\0${f.path}:${f.line}\0${f.commit}`).sort()).toEqual(single.sort());

    const sarif = JSON.parse(readFileSync(join(root, "fleet.sarif"), "utf8"));
    expect(sarif.runs).toHaveLength(6);
    expect(new Set(sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).size).toBe(6);
    const md = readFileSync(join(root, "fleet.md"), "utf8");
    const html = readFileSync(join(root, "fleet.html"), "utf8");
    expect(md).toContain("**Incomplete.** 2 of 6 repositories were not scanned in full");
    expect(html).toContain('id="not-scanned"');
    expect(md).toMatch(/\| 2 \| [^\n]*repo-0[^\n]*repo-1/);
    for (const out of ["fleet.json", "fleet.sarif", "fleet.md", "fleet.html", ...readdirSync(join(root, "out/shard-0/repos")).map((f) => `out/shard-0/repos/${f}`)]) {
      const text = readFileSync(join(root, out), "utf8");
      expect(text).not.toContain(shared);
      expect(text).not.toContain(token);
      expect(text).not.toContain(inMessage);
    }
  }, 60_000);

  it("rejects bad input with one line naming it", async () => {
    writeFileSync(join(root, "bad.txt"), "https://h/a.git 12 extra\n");
    const r = await cli(["fleet", "plan", "bad.txt", "--shards", "2", "--output", "p.json"], root, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyfence: bad\.txt:1: expected/);
    const m = await cli(["fleet", "merge", "nowhere", "--output", "x.json"], root, env);
    expect(m.code).toBe(2);
    const s = await cli(["fleet", "scan", "--plan", "plan.json", "--shard", "9", "--out", "o"], root, env);
    expect(s.stderr).toContain("shard 9 does not exist");
    writeFileSync(join(root, "broken-plan.json"), JSON.stringify({ schema: "keyfence-fleet-plan/1", shards: [{ index: 0, repositories: [{ id: "x" }] }] }));
    const b = await cli(["fleet", "scan", "--plan", "broken-plan.json", "--shard", "0", "--out", "o"], root, env);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^keyfence: broken-plan\.json: not a keyfence fleet plan: shard 0, repository 1/);
  });
});

describe("fleet scan and merge without a shared fingerprint key", () => {
  afterAll(cleanupTempDirs);

  it("a shard of a multi-shard plan without KEYFENCE_FINGERPRINT_KEY warns in one line; the merge names the keys; a new key re-scans", async () => {
    const { KEYFENCE_FINGERPRINT_KEY: _unset, ...base } = gitTestEnv(tempDir("kf-home-"));
    const root = tempDir("kf-fleet-keys-");
    const value = positive("stripe-secret-key-live", 0, "keys");
    const dirs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const dir = join(root, `svc-${i}`);
      mkdirSync(dir);
      const r = new TempRepo(dir, base);
      r.git("init", "-q", "-b", "main");
      r.commitFile("config/prod.env", `STRIPE_SECRET=${value}\n`, "config", "2024-02-01T10:00:00Z");
      dirs.push(dir);
    }
    writeFileSync(join(root, "repos.txt"), dirs.join("\n") + "\n");
    expect((await cli(["fleet", "plan", "repos.txt", "--shards", "2", "--output", "plan.json"], root, base)).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(root, "plan.json"), "utf8")) as FleetPlan;
    expect(plan.shards.every((s) => s.repositories.length > 0)).toBe(true);

    const keyA = Buffer.alloc(32, 0xa5).toString("hex");
    const withKey = await cli(["fleet", "scan", "--plan", "plan.json", "--shard", "0", "--out", "out/0"], root, { ...base, KEYFENCE_FINGERPRINT_KEY: keyA });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.stderr).not.toContain("warning");
    // Its own key: the user's, drawn on first use in this HOME.
    const without = await cli(["fleet", "scan", "--plan", "plan.json", "--shard", "1", "--out", "out/1"], root, base);
    expect(without.code, without.stderr).toBe(0);
    const warnings = without.stderr.split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual([expect.stringMatching(/^keyfence: fleet scan: warning: KEYFENCE_FINGERPRINT_KEY is not set; this shard digests with a key of its own \(user key [0-9a-f]{8}\), so 'fleet merge' counts a credential found by two shards twice/)]);
    // One shard alone cannot disagree with another.
    const single = await cli(["fleet", "scan", "--repos", "repos.txt", "--shard", "0/1", "--out", "out-single"], root, base);
    expect(single.stderr).not.toContain("warning");

    const merged = await cli(["fleet", "merge", "out", "--output", "fleet.json"], root, base);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr.split("\n").filter((l) => l.includes("warning"))).toEqual([expect.stringMatching(/^keyfence: fleet merge: warning: results were digested under 2 different fingerprint keys \([0-9a-f]{8} \(shard 0\), [0-9a-f]{8} \(shard 1\)\)/)]);
    // What the warning is about: one value, counted once per key.
    expect(JSON.parse(readFileSync(join(root, "fleet.json"), "utf8")).summary.credentials).toBe(2);

    // Shard 1 again, now with the shared key: its results were digested under another key, so they are not "unchanged".
    const again = await cli(["fleet", "scan", "--plan", "plan.json", "--shard", "1", "--out", "out/1"], root, { ...base, KEYFENCE_FINGERPRINT_KEY: keyA });
    expect(again.stderr).not.toMatch(/fleet scan: unchanged/);
    const remerged = await cli(["fleet", "merge", "out", "--output", "fleet.json"], root, base);
    expect(remerged.stderr).not.toContain("warning");
    expect(JSON.parse(readFileSync(join(root, "fleet.json"), "utf8")).summary.credentials).toBe(1);
  }, 60_000);
});

describe("fleet settings digest", () => {
  it("changes with what decides findings, and not with the folder a shard runs from", () => {
    const dir = tempDir("kf-settings-");
    const pack = join(dir, "pack.yaml");
    const packText = (title: string) => `provider: acme\nfamily: internal\nrules:\n  - id: acme-token\n    kind: api-token\n    title: ${title}\n    severity: high\n    environment: live\n    keywords: [acme_]\n    regex: 'acme_[a-z0-9]{24}'\n`;
    writeFileSync(pack, packText("Acme token"));
    const base = scanSettingsDigest({ rulePacks: [pack] }, "1.0.0", "k1");
    expect(scanSettingsDigest({ rulePacks: [pack] }, "1.0.0", "k1")).toBe(base);
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(scanSettingsDigest({ rulePacks: [pack] }, "1.0.0", "k1")).toBe(base);
    } finally {
      process.chdir(cwd);
    }
    expect(scanSettingsDigest({ rulePacks: [pack] }, "1.0.1", "k1")).not.toBe(base);
    expect(scanSettingsDigest({ rulePacks: [pack] }, "1.0.0", "k2")).not.toBe(base);
    expect(scanSettingsDigest({ rulePacks: [pack], disableRules: ["stripe-secret-key-live"] }, "1.0.0", "k1")).not.toBe(base);
    expect(scanSettingsDigest({ rulePacks: [pack], builtinRules: false }, "1.0.0", "k1")).not.toBe(base);
    writeFileSync(pack, packText("Acme API token"));
    expect(scanSettingsDigest({ rulePacks: [pack] }, "1.0.0", "k1")).not.toBe(base);
    const [rule] = createScanner().rules.slice(0, 1);
    expect(scanSettingsDigest({}, "1.0.0", "k1", [rule!])).not.toBe(scanSettingsDigest({}, "1.0.0", "k1", [{ ...rule!, severity: "low" }]));
    // A missing pack fails as loading it would; a folder of packs is read as loading reads it.
    expect(() => scanSettingsDigest({ rulePacks: [join(dir, "gone.yaml")] }, "1.0.0")).toThrow(/rule pack not found/);
    const folder = join(dir, "packs");
    mkdirSync(join(folder, "nested"), { recursive: true });
    writeFileSync(join(folder, "nested", "acme.yaml"), packText("Acme token"));
    const byFolder = scanSettingsDigest({ rulePacks: [folder] }, "1.0.0", "k1");
    writeFileSync(join(folder, "nested", "acme.yaml"), packText("Acme token, renamed"));
    expect(scanSettingsDigest({ rulePacks: [folder] }, "1.0.0", "k1")).not.toBe(byFolder);
    // A FIFO named as a pack is refused, never read (it would block).
    const fifo = join(dir, "pack.fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(() => scanSettingsDigest({ rulePacks: [fifo] }, "1.0.0")).toThrow(/must be a regular file/);
  });
});
