// CI scanning configured: a GitHub Actions workflow or a GitLab CI job that runs keyfence, so that
// a commit made with --no-verify (or from a machine without the hook) is still caught in review.
// Workflows are parsed, not grepped, so a commented-out step does not count.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { CheckResult, DoctorContext } from "./check.js";

const ID = "ci-scanning";
const TITLE = "CI scans for credentials";

/** `keyfence ci|scan|git|history|staged`, directly or through npx / npm exec / node bin. */
const RUN_KEYFENCE = /(^|[\s/])keyfence(\.js)?\s+(ci|scan|git|history|staged)\b/m;
/** The published action (keyfence/keyfence@ref), or this repository's own action.yml. */
const USES_KEYFENCE = /^keyfence\/keyfence(\/[^@]*)?@\S+$/;

const GITHUB_FIX = `create .github/workflows/keyfence.yml with a job whose steps are: actions/checkout@v4 (with fetch-depth: 0), then "uses: keyfence/keyfence@v1" (README: CI: GitHub Actions)`;
const GITLAB_FIX = `add a job to .gitlab-ci.yml: 'keyfence: { image: "node:20", variables: { GIT_DEPTH: "0" }, script: ["npx --yes keyfence ci"] }'`;

interface Hit {
  file: string;
  job: string;
  problems: string[];
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Whether this repository is keyfence itself, whose workflows may use its action as `./`. */
function isOwnAction(ctx: DoctorContext): boolean {
  const action = join(ctx.root, "action.yml");
  return existsSync(action) && /keyfence\s+ci/.test(readFileSync(action, "utf8"));
}

function githubHits(ctx: DoctorContext, errors: string[]): Hit[] {
  const dir = join(ctx.root, ".github", "workflows");
  if (!existsSync(dir)) return [];
  const hits: Hit[] = [];
  const own = isOwnAction(ctx);
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = `.github/workflows/${name}`;
    const doc = parseDocument(readFileSync(join(dir, name), "utf8"));
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      errors.push(`${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML (${e.code})`);
      continue;
    }
    const wf = record(doc.toJS());
    // `on: pull_request` / `on: [push, pull_request]` / `on: { pull_request: … }`
    const on = wf.on ?? wf.true; // YAML 1.1 readers turn a bare `on` key into true
    const events = typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(record(on));
    for (const [job, spec] of Object.entries(record(wf.jobs))) {
      const steps = asList(record(spec).steps).map(record);
      const runs = steps.some((s) => (typeof s.uses === "string" && (USES_KEYFENCE.test(s.uses) || (own && s.uses === "./"))) || (typeof s.run === "string" && RUN_KEYFENCE.test(s.run)));
      if (!runs) continue;
      const problems: string[] = [];
      if (!events.some((e) => e === "pull_request" || e === "pull_request_target" || e === "merge_group")) problems.push(`${file} does not run on pull_request, so PRs are not scanned before merge`);
      const checkout = steps.find((s) => typeof s.uses === "string" && s.uses.startsWith("actions/checkout@"));
      if (checkout && String(record(checkout.with)["fetch-depth"]) !== "0") problems.push(`${file} job ${job}: actions/checkout without fetch-depth: 0 (keyfence ci refuses a clone too shallow for the PR's commits)`);
      hits.push({ file, job, problems });
    }
  }
  return hits;
}

function gitlabHits(ctx: DoctorContext, errors: string[]): Hit[] {
  const path = join(ctx.root, ".gitlab-ci.yml");
  if (!existsSync(path)) return [];
  const doc = parseDocument(readFileSync(path, "utf8"));
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    errors.push(`.gitlab-ci.yml:${e.linePos?.[0]?.line ?? 1}: invalid YAML (${e.code})`);
    return [];
  }
  const hits: Hit[] = [];
  const top = record(doc.toJS());
  const depthOf = (v: unknown) => record(v).GIT_DEPTH;
  for (const [job, spec] of Object.entries(top)) {
    const s = record(spec);
    const lines = [...asList(s.before_script), ...asList(s.script)].map(String);
    if (!lines.some((l) => RUN_KEYFENCE.test(l))) continue;
    const depth = depthOf(s.variables) ?? depthOf(top.variables);
    const problems = depth !== undefined && String(depth) === "0" ? [] : [`.gitlab-ci.yml job ${job}: GIT_DEPTH is not "0" (keyfence ci refuses a clone too shallow for the MR's commits)`];
    hits.push({ file: ".gitlab-ci.yml", job, problems });
  }
  return hits;
}

export async function ciCheck(ctx: DoctorContext): Promise<CheckResult> {
  const errors: string[] = [];
  const hits = [...githubHits(ctx, errors), ...gitlabHits(ctx, errors)];
  if (!hits.length) {
    const gitlab = existsSync(join(ctx.root, ".gitlab-ci.yml")) && !existsSync(join(ctx.root, ".github"));
    return { id: ID, title: TITLE, status: "fail", found: [...errors, "no GitHub workflow or GitLab CI job runs keyfence"], fix: gitlab ? GITLAB_FIX : GITHUB_FIX };
  }
  const found = hits.map((h) => `${h.file} job ${h.job} runs keyfence`);
  const problems = hits.flatMap((h) => h.problems);
  if (!problems.length && !errors.length) return { id: ID, title: TITLE, status: "pass", found };
  const fixes = [
    problems.some((p) => p.includes("pull_request")) && "add 'pull_request:' under 'on:' in that workflow",
    problems.some((p) => p.includes("fetch-depth")) && "add 'with: { fetch-depth: 0 }' to the actions/checkout step",
    problems.some((p) => p.includes("GIT_DEPTH")) && `add 'variables: { GIT_DEPTH: "0" }' to that job`,
    errors.length > 0 && "fix the YAML error named above",
  ].filter((f): f is string => typeof f === "string");
  const fix = fixes.join("; ");
  return { id: ID, title: TITLE, status: "warn", found: [...found, ...errors, ...problems], fix };
}
