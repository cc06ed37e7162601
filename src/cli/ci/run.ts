// The body of `keyfence ci`: plan the range (src/ci/ detects the CI and its change under review),
// scan it through the orchestrator like `keyfence git` (the configuration's scope and each secret
// once, at the commit that introduced it), judged by the trusted configuration of the range's base
// (src/cli/trusted-scan.ts), filter by baseline, report, and write the CI outputs.
import { SCAN_OPTIONS } from "../args.js";
import { finishScan, noticePrinter, prepareScan } from "../scan-run.js";
import { prepareTrustedScan, TRUST_OPTIONS, TRUST_OPTIONS_HELP, type TrustFlags } from "../trusted-scan.js";
import type { CliIO } from "../io.js";
import { scanGitRange } from "../../orchestrator/git.js";
import type { GitScanSummary } from "../../sources/git/index.js";
import type { SourceNotice } from "../../sources/source.js";
import { planFromEnvironment } from "../../ci/environment.js";
import { safeName } from "../../names/present.js";
import { commitNames } from "../../sources/git/names.js";
import { writeCiOutputs } from "./outputs.js";
import { revisionRange } from "../../ci/plan.js";

/** Options of `keyfence ci`, on top of every scanning command's. */
export const CI_OPTIONS = {
  ...SCAN_OPTIONS,
  range: { type: "string" },
  sarif: { type: "string" },
  "gitlab-report": { type: "string" },
  "no-annotations": { type: "boolean" },
  ...TRUST_OPTIONS,
} as const;

export const CI_OPTIONS_HELP = `CI:
      --range A..B        scan these commits instead of what the CI environment says
      --sarif FILE        also write SARIF to FILE (for github/codeql-action/upload-sarif)
      --gitlab-report FILE  also write GitLab's secret-detection report (default on GitLab CI:
                          gl-secret-detection-report.json)
      --no-annotations    no GitHub workflow-command annotations (default on GitHub Actions)

${TRUST_OPTIONS_HELP}`;

export interface CiFlags extends TrustFlags {
  range?: string;
  sarif?: string;
  "gitlab-report"?: string;
  "no-annotations"?: boolean;
}

export async function runCi(flags: CiFlags, io: CliIO): Promise<number> {
  const plan = planFromEnvironment(io.env, io.cwd, { ...(flags.range && { range: flags.range }) });
  io.stderr.write(`keyfence ci: ${safeName(plan.description)}\n`);
  const range = revisionRange(plan);
  // The change is judged by the configuration of its base, never by the one it brings.
  const trust = range ? prepareTrustedScan(flags, io, range) : undefined;
  const prepared = trust ?? prepareScan(flags, io);
  const notices: SourceNotice[] = [];
  const stats: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
  // The range's commits only ("A..B", "B", or "C^!"), through the same path as `keyfence git`.
  const findings = range ? scanGitRange(prepared.scanner, { cwd: io.cwd, range, dedupe: true }, noticePrinter(io, notices, { all: true }), stats) : (async function* () {})();
  const names = range ? commitNames({ cwd: io.cwd, env: io.env, revisions: [range] }) : [];
  if (names instanceof Promise) names.catch(() => {});
  const run = { findings, notices, stats, command: "ci", names, ...(trust && { controls: { findings: trust.controls, block: trust.controlsBlock }, exemptions: trust.exemptions }) };
  return finishScan(prepared, run, flags, io, (report) =>
    writeCiOutputs(report, {
      provider: plan.provider,
      env: io.env,
      cwd: io.cwd,
      stdout: io.stdout,
      ...(flags.sarif && { sarif: flags.sarif }),
      ...(flags["sarif-category"] && { category: flags["sarif-category"] }),
      ...(flags["gitlab-report"] && { gitlab: flags["gitlab-report"] }),
      ...(flags["no-annotations"] && { annotations: false }),
    }),
  );
}
