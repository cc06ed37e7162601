// `keyfence doctor`: a repository's credential hygiene in one report. Each check is independent
// and returns pass / warn / fail with what it found and the exact fix; the exit code is 1 when any
// check fails, 0 otherwise (warnings included), 2 when the folder is not a git work tree.
import { resolve } from "node:path";
import { openRepo } from "../sources/git/repo.js";
import { KeyfenceError } from "../errors.js";
import { dayOf } from "../policy/baseline.js";
import { ignoredSecretFiles, trackedSecretFiles } from "./secret-files.js";
import { hookCheck } from "./hook-check.js";
import { ciCheck } from "./ci-check.js";
import { baselineCheck } from "./baseline-check.js";
import { configCheck } from "./config-check.js";
import { safeName } from "../names/present.js";
import type { Check, CheckResult, CheckStatus, DoctorContext } from "./check.js";

export const CHECKS: readonly Check[] = [trackedSecretFiles, ignoredSecretFiles, hookCheck, ciCheck, baselineCheck, configCheck];

export interface DoctorOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** --config FILE. */
  config?: string;
  /** Today, for baseline expiries (default: now). */
  now?: Date;
}

export interface DoctorReport {
  /** Top of the work tree that was checked. */
  root: string;
  status: CheckStatus;
  summary: Record<CheckStatus, number>;
  checks: CheckResult[];
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const repo = await openRepo({ cwd, env });
  if (!repo.root) throw new KeyfenceError("a bare repository has no work tree to check", { file: cwd });
  const ctx: DoctorContext = { cwd, root: repo.root, env, today: dayOf(options.now ?? new Date()), ...(options.config && { configFile: resolve(cwd, options.config) }) };
  // What checks found quotes the repository (paths, baseline entries, config values, error lines):
  // names, scrubbed here once for every rendering; control characters are the text rendering's to escape.
  const checks = (await Promise.all(CHECKS.map((c) => c(ctx)))).flat().map(scrubbedCheck);
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status]++;
  const status: CheckStatus = summary.fail ? "fail" : summary.warn ? "warn" : "pass";
  return { root: safeName(repo.root, false), status, summary, checks };
}

function scrubbedCheck(c: CheckResult): CheckResult {
  return { ...c, found: c.found.map((line) => safeName(line, false)), ...(c.fix !== undefined && { fix: safeName(c.fix, false) }) };
}

export function doctorExitCode(report: DoctorReport): number {
  return report.status === "fail" ? 1 : 0;
}
