// Where `keyfence ci` puts its results besides the main report: annotations on stdout and a table in
// the step summary on GitHub, a SARIF file for code scanning, GitLab's report for merge requests.
// Nothing here can carry a secret: every writer is a reporter that never reveals one.
import { statSync } from "node:fs";
import { appendToFile, writeFileAtomic } from "../../io/output-file.js";
import { sarifReporter } from "../../report/sarif.js";
import { gitlabReporter } from "../../report/gitlab.js";
import { githubAnnotationsReporter } from "../../report/github-annotations.js";
import { renderStepSummary, STEP_SUMMARY_LIMIT } from "../../report/step-summary.js";
import type { ScanReport } from "../../report/report.js";
import type { CiProvider } from "../../ci/plan.js";

export const DEFAULT_GITLAB_REPORT = "gl-secret-detection-report.json";
export const DEFAULT_SARIF_CATEGORY = "keyfence";

export interface CiOutputOptions {
  provider: CiProvider;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(s: string): unknown };
  /** SARIF file to write (e.g. for github/codeql-action/upload-sarif). */
  sarif?: string;
  /** SARIF analysis category (runAutomationDetails.id); default "keyfence". */
  category?: string;
  /** GitLab report file; on GitLab it defaults to gl-secret-detection-report.json. */
  gitlab?: string;
  /** Workflow-command annotations on stdout; default: on GitHub Actions. */
  annotations?: boolean;
}

/** Writes every CI output the environment calls for. Report files are written atomically. */
export function writeCiOutputs(report: ScanReport, o: CiOutputOptions): void {
  const plain = { showSecrets: false, color: false };
  if (o.annotations ?? o.provider === "github") o.stdout.write(githubAnnotationsReporter(report, plain));
  const summary = o.provider === "github" ? o.env.GITHUB_STEP_SUMMARY : undefined;
  if (summary) appendStepSummary(summary, report);
  if (o.sarif) writeFileAtomic(o.sarif, sarifReporter({ ...report, category: o.category ?? report.category ?? DEFAULT_SARIF_CATEGORY }, plain), o.cwd);
  const gitlab = o.gitlab ?? (o.provider === "gitlab" ? DEFAULT_GITLAB_REPORT : undefined);
  if (gitlab) writeFileAtomic(gitlab, gitlabReporter(report, plain), o.cwd);
}

/** Appends (GitHub's documented way) within what is left of the 1 MiB the summary file may hold. */
export function appendStepSummary(file: string, report: ScanReport): void {
  let used = 0;
  try {
    used = statSync(file).size;
  } catch {
    // Not there yet: the runner creates it lazily.
  }
  const room = STEP_SUMMARY_LIMIT - used;
  if (room < 1024) return;
  appendToFile(file, renderStepSummary(report, room), process.cwd(), "step summary (GITHUB_STEP_SUMMARY)");
}
