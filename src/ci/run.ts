// The body of `keyfence ci`: plan the range, scan it, filter by policy and baseline, report, and
// write the CI outputs. The commit source is passed in (the git layer's scanGitRange), so this
// module knows nothing of how commits are read.
import { SCAN_OPTIONS } from "../cli/args.js";
import { finishScan, noticePrinter, prepareScan } from "../cli/scan-run.js";
import { prepareTrustedScan, TRUST_OPTIONS, TRUST_OPTIONS_HELP, type TrustFlags } from "../cli/trusted-scan.js";
import type { CliIO } from "../cli/io.js";
import type { Scanner } from "../scanner.js";
import type { Finding } from "../types.js";
import type { SourceNotice } from "../sources/files.js";
import { planFromEnvironment } from "./environment.js";
import { safeName } from "../names/present.js";
import { commitNames } from "../sources/git/names.js";
import { writeCiOutputs } from "./outputs.js";
import { revisionRange } from "./plan.js";

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

/** Reads the commits of `range` ("A..B", "B", or "C^!") and yields their findings (the git source's contract). */
export type RangeScanner = (
  scanner: Scanner,
  target: { cwd: string; range: string; stats: { files: number; bytes: number } },
  onNotice: (n: SourceNotice) => void,
) => AsyncIterable<Finding>;

export async function runCi(flags: CiFlags, io: CliIO, scanRange: RangeScanner): Promise<number> {
  const plan = planFromEnvironment(io.env, io.cwd, { ...(flags.range && { range: flags.range }) });
  io.stderr.write(`keyfence ci: ${safeName(plan.description)}\n`);
  const range = revisionRange(plan);
  // The change is judged by the configuration of its base, never by the one it brings.
  const trust = range ? prepareTrustedScan(flags, io, range) : undefined;
  const prepared = trust ?? prepareScan(flags, io);
  const notices: SourceNotice[] = [];
  const stats = { files: 0, bytes: 0 };
  const findings = range ? scanRange(prepared.scanner, { cwd: io.cwd, range, stats }, noticePrinter(io, notices, { all: true })) : (async function* () {})();
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
