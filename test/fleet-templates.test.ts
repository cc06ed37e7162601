// The ready-made workflows, run as far as this machine allows: their shell steps are executed with
// sh exactly as written (CI expressions substituted, `keyfence` on PATH, `npm install` a no-op),
// job by job with each job in its own folder and artifacts copied the way upload/download-artifact
// lay them out; the Kubernetes manifest is the one `fleet plan --format k8s-indexed` prints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { BIN, REPO_ROOT, TempRepo, cleanupTempDirs, gitTestEnv, tempDir } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";
import { planShards } from "../src/fleet/plan.js";
import { gitlabChildPipeline, k8sIndexedJob } from "../src/fleet/plan-formats.js";
import { keyId } from "../src/finding/fingerprint.js";

interface Step {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

let env: NodeJS.ProcessEnv;
let repoList: string;
// The organisation's fingerprint key, as the CI secret holds it (drawn per run: never a literal).
const fleetKey = randomBytes(32).toString("hex");
const KEY_WARNING = /^keyfence: fleet scan: warning: KEYFENCE_FINGERPRINT_KEY is not set; this shard digests with a key of its own/m;

/** The key every result under `dir` (a tree holding repos/*.json) was digested with. */
function resultKeys(dir: string): { id: string; source: string }[] {
  const out: { id: string; source: string }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "mirrors") walk(join(d, e.name));
      else if (e.isFile() && e.name.endsWith(".json") && d.endsWith("/repos")) out.push(JSON.parse(readFileSync(join(d, e.name), "utf8")).fingerprintKey);
    }
  };
  walk(dir);
  return out;
}

function sh(script: string, cwd: string, extra: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("sh", ["-ec", script], { cwd, env: { ...env, ...extra }, encoding: "utf8" });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  const home = tempDir("kf-home-");
  const shims = join(home, "bin");
  mkdirSync(shims);
  writeFileSync(join(shims, "keyfence"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  writeFileSync(join(shims, "npm"), "#!/bin/sh\nexit 0\n");
  for (const f of ["keyfence", "npm"]) chmodSync(join(shims, f), 0o755);
  env = gitTestEnv(home, { PATH: `${shims}:${process.env.PATH}` });
  const root = tempDir("kf-fleet-repos-");
  const dirs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = join(root, `svc-${i}`);
    mkdirSync(dir);
    const r = new TempRepo(dir, env);
    r.git("init", "-q", "-b", "main");
    r.commitFile("app.env", i === 1 ? `KEY=${positive("stripe-secret-key-live", 0, "tpl")}\n` : "KEY=\n");
    dirs.push(dir);
  }
  repoList = join(root, "repos.txt");
  writeFileSync(repoList, dirs.join("\n") + "\n");
});
afterAll(cleanupTempDirs);

describe("GitHub Actions reusable workflow", () => {
  const wf = parseYaml(readFileSync(join(REPO_ROOT, ".github/workflows/keyfence-fleet.yml"), "utf8")) as {
    on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
    jobs: Record<string, { needs?: string | string[]; if?: string; strategy?: { matrix: string }; steps: Step[] }>;
  };

  it("is plan → matrix of scan jobs → merge uploading the report", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_call"]);
    expect(wf.jobs.scan!.needs).toBe("plan");
    expect(wf.jobs.scan!.strategy!.matrix).toBe("${{ fromJSON(needs.plan.outputs.matrix) }}");
    expect(wf.jobs.merge!.needs).toEqual(["plan", "scan"]);
    expect(wf.jobs.merge!.if).toContain("always()");
    expect(wf.jobs.merge!.steps.some((s) => s.uses?.startsWith("actions/upload-artifact") && JSON.stringify(s).includes("fleet-rotation.html"))).toBe(true);
  });

  it("takes the fingerprint key as a secret and gives it to every scan job's scan step", () => {
    expect(wf.on.workflow_call.secrets["fingerprint-key"]).toMatchObject({ required: false });
    const scan = wf.jobs.scan!.steps.find((s) => s.run?.includes("keyfence fleet scan"))!;
    expect(scan.env?.KEYFENCE_FINGERPRINT_KEY).toBe("${{ secrets.fingerprint-key }}");
    // Nowhere else: the plan and merge jobs make no digests, and a secret is passed no further than needed.
    const others = Object.entries(wf.jobs).flatMap(([, j]) => j.steps).filter((s) => s !== scan);
    expect(JSON.stringify(others)).not.toContain("fingerprint-key");
  });

  it("runs its steps end to end: plan, each shard, merge", () => {
    const inputs: Record<string, string> = { organization: "", repositories: "repos.txt", shards: "2", config: "", "keyfence-version": "latest", "fail-on": "never" };
    const expand = (text: string, matrix: Record<string, string> = {}) =>
      text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
        if (expr.startsWith("inputs.")) return inputs[expr.slice(7)] ?? "";
        if (expr.startsWith("matrix.")) return matrix[expr.slice(7)] ?? "";
        if (expr === "secrets.token") return "";
        if (expr === "secrets.fingerprint-key") return fleetKey;
        if (expr === "github.server_url") return "https://github.com";
        throw new Error(`unexpected expression ${expr}`);
      });
    const run = (job: string, name: string, cwd: string, matrix: Record<string, string> = {}, extra: NodeJS.ProcessEnv = {}) => {
      const step = wf.jobs[job]!.steps.find((s) => s.name === name || s.id === name)!;
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, matrix)]));
      const r = sh(expand(step.run!, matrix), cwd, { ...stepEnv, ...extra });
      return r;
    };
    const planDir = tempDir("kf-gh-plan-");
    cpSync(repoList, join(planDir, "repos.txt"));
    expect(run("plan", "List repositories", planDir).code).toBe(0);
    const output = join(planDir, "github-output");
    const p = run("plan", "plan", planDir, {}, { GITHUB_OUTPUT: output });
    expect(p.code, p.stderr).toBe(0);
    const matrix = JSON.parse(readFileSync(output, "utf8").replace(/^matrix=/, "")) as { include: { shard: number }[] };
    expect(matrix.include).toHaveLength(2);
    const mergeDir = tempDir("kf-gh-merge-");
    for (const entry of matrix.include) {
      const jobDir = tempDir("kf-gh-scan-");
      cpSync(join(planDir, "plan.json"), join(jobDir, "plan.json"));
      const s = run("scan", `Scan shard \${{ matrix.shard }}`, jobDir, { shard: String(entry.shard) });
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).not.toMatch(KEY_WARNING);
      // Each job is a fresh folder that would otherwise draw a key of its own.
      expect(resultKeys(join(jobDir, "fleet-out"))).toEqual(expect.arrayContaining([{ id: keyId(Buffer.from(fleetKey, "hex")), source: "environment" }]));
      const artifact = join(mergeDir, "fleet-results", `keyfence-fleet-shard-${entry.shard}`);
      mkdirSync(artifact, { recursive: true });
      if (existsSync(join(jobDir, "fleet-out/repos"))) cpSync(join(jobDir, "fleet-out/repos"), join(artifact, "repos"), { recursive: true });
    }
    const m = run("merge", "Merge", mergeDir);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).not.toContain("warning");
    const doc = JSON.parse(readFileSync(join(mergeDir, "fleet.json"), "utf8"));
    expect(doc.summary).toMatchObject({ repositories: 3, ok: 3, credentials: 1 });
    for (const f of ["fleet.sarif", "fleet-rotation.md", "fleet-rotation.html"]) expect(existsSync(join(mergeDir, f))).toBe(true);
  }, 60_000);
});

describe("GitLab CI template and child pipeline", () => {
  const tpl = parseYaml(readFileSync(join(REPO_ROOT, "templates/fleet/keyfence-fleet.gitlab-ci.yml"), "utf8")) as Record<string, { script?: string[]; trigger?: { include: { artifact: string; job: string }[] } }>;

  it("documents the fingerprint key as a masked CI/CD variable and never writes it into a pipeline", () => {
    const text = readFileSync(join(REPO_ROOT, "templates/fleet/keyfence-fleet.gitlab-ci.yml"), "utf8");
    expect(text).toMatch(/^# KEYFENCE_FINGERPRINT_KEY \(a masked CI\/CD variable/m);
    // A value in `variables:` would be a trigger variable, shown with the downstream pipeline.
    const child = gitlabChildPipeline(planShards([], 2, { version: "t" }));
    expect(JSON.stringify([tpl, child])).not.toMatch(/KEYFENCE_FINGERPRINT_KEY["']?\s*:/);
  });

  it("plans, then triggers the generated child pipeline; the child scans each shard and merges", () => {
    expect(tpl["keyfence-fleet"]!.trigger!.include[0]).toEqual({ artifact: "fleet-child.yml", job: "keyfence-fleet-plan" });
    const work = tempDir("kf-gl-");
    cpSync(repoList, join(work, "repos.txt"));
    const plan = sh(tpl["keyfence-fleet-plan"]!.script!.join("\n"), work, { KEYFENCE_FLEET_REPOS: "repos.txt", KEYFENCE_FLEET_GROUP: "", KEYFENCE_FLEET_SHARDS: "2", KEYFENCE_VERSION: "latest" });
    expect(plan.code, plan.stderr).toBe(0);
    // JSON is YAML: GitLab reads the child pipeline as written.
    const child = parseYaml(readFileSync(join(work, "fleet-child.yml"), "utf8")) as Record<string, { parallel?: { matrix: { KEYFENCE_SHARD: string[] }[] }; script: string[] }>;
    const shards = child["keyfence-fleet-scan"]!.parallel!.matrix[0]!.KEYFENCE_SHARD;
    expect(shards).toEqual(["0", "1"]);
    // The masked CI/CD variable reaches every job of the child pipeline as an environment variable.
    for (const shard of shards) {
      const s = sh(child["keyfence-fleet-scan"]!.script.join("\n"), work, { KEYFENCE_SHARD: shard, CI_SERVER_URL: "https://gitlab.example", KEYFENCE_FLEET_TOKEN: "", KEYFENCE_FINGERPRINT_KEY: fleetKey });
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).not.toMatch(KEY_WARNING);
    }
    expect(new Set(resultKeys(join(work, "fleet-out")).map((k) => `${k.source} ${k.id}`))).toEqual(new Set([`environment ${keyId(Buffer.from(fleetKey, "hex"))}`]));
    const m = sh(child["keyfence-fleet-merge"]!.script.join("\n"), work);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).not.toContain("warning");
    expect(JSON.parse(readFileSync(join(work, "fleet.json"), "utf8")).summary).toMatchObject({ repositories: 3, ok: 3 });
  }, 60_000);

  it("generates the child pipeline the template expects", () => {
    const child = gitlabChildPipeline(planShards([], 3, { version: "t" })) as Record<string, { needs?: unknown }>;
    expect(child["keyfence-fleet-scan"]!.needs).toEqual([{ pipeline: "$PARENT_PIPELINE_ID", job: "keyfence-fleet-plan" }]);
  });
});

describe("Kubernetes Indexed Job", () => {
  it("the manifest in templates/ is what 'fleet plan --format k8s-indexed' prints for 8 shards", () => {
    const file = parseYaml(readFileSync(join(REPO_ROOT, "templates/fleet/keyfence-fleet-job.yaml"), "utf8"));
    expect(k8sIndexedJob(planShards([], 8, { version: "t" }))).toEqual(file);
  });

  it("gives every shard the fingerprint key from a Secret", () => {
    const file = parseYaml(readFileSync(join(REPO_ROOT, "templates/fleet/keyfence-fleet-job.yaml"), "utf8"));
    const scan = file.spec.template.spec.containers.find((c: { name: string }) => c.name === "scan");
    expect(scan.command.join(" ")).toContain("keyfence fleet scan");
    expect(scan.env).toContainEqual({ name: "KEYFENCE_FINGERPRINT_KEY", valueFrom: { secretKeyRef: { name: "keyfence-fleet-key", key: "fingerprint-key" } } });
  });
});
