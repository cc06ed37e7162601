import { KeyfenceError } from "../../errors.js";
import { scanGitRange } from "../../orchestrator/git.js";
import type { GitScanSummary } from "../../sources/git/index.js";
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP, parse } from "../args.js";
import { finishScan, noticePrinter, prepareScan } from "../scan-run.js";
import { commitNames, refNames } from "../../sources/git/names.js";
import { prepareTrustedScan, TRUST_OPTIONS, TRUST_OPTIONS_HELP } from "../trusted-scan.js";
import { countCommits, endingProgress, revisionArgs, startProgress } from "../progress.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { SourceNotice } from "../../sources/source.js";

const OPTIONS = {
  ...SCAN_OPTIONS,
  range: { type: "string" },
  since: { type: "string" },
  all: { type: "boolean" },
  "first-parent": { type: "boolean" },
  ...TRUST_OPTIONS,
} as const;

const USAGE = `Usage: keyfence git (--range A..B | --since DATE | --all) [options]

Scans the lines added by every commit in a range (a pull request: --range origin/main..HEAD), the
commits since a date on HEAD (--since 2024-01-01; combine with --range or --all), or every ref (--all).
Each finding names its commit, author, date and path; a secret added and removed again inside the
range is still reported, once, at the first commit that added it.

Commits:
      --range A..B        commits reachable from B but not from A (also A...B, or one revision)
      --since DATE        only commits after DATE (anything 'git log --since' accepts)
      --all               every branch, tag and other ref
      --first-parent      follow only first parents and diff each merge against its first parent
                          (default: merges report only lines no parent had; see 'Merge commits' in docs/git.md)

${TRUST_OPTIONS_HELP}

${SCAN_OPTIONS_HELP}`;

export const gitCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("git", args, OPTIONS, false);
    if (values.range === undefined && values.since === undefined && !values.all) {
      throw new KeyfenceError("say which commits: --range A..B, --since DATE or --all (see 'keyfence git --help')", { subject: "keyfence git" });
    }
    if (values.range !== undefined && values.all) throw new KeyfenceError("--range and --all cannot be combined", { subject: "keyfence git" });
    // A range is a change under review: judged by the configuration of its base (src/config/trusted.ts).
    const trusted = values.range !== undefined && values.since === undefined ? prepareTrustedScan(values, io, values.range) : undefined;
    const prepared = trusted ?? prepareScan(values, io, { discoverBaseline: true });
    const { scanner } = prepared;
    const notices: SourceNotice[] = [];
    const summary: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
    const progress = startProgress(values, io, "keyfence git", "commits");
    if (progress) await progress.totalFrom(countCommits(io.cwd, io.env, revisionArgs({ range: values.range, all: values.all, since: values.since, firstParent: values["first-parent"] })));
    const options = {
      ...(progress && { onCommit: (_c: unknown, s: GitScanSummary) => progress.set(s.commits, s.bytes) }),
      cwd: io.cwd,
      env: io.env,
      ...(values.range !== undefined && { range: values.range }),
      ...(values.since !== undefined && { since: values.since }),
      ...(values.all && { all: true }),
      ...(values["first-parent"] && { firstParent: true }),
      // Oldest commit first: the first occurrence of a fingerprint is the commit that introduced it.
      dedupe: true,
    };
    const findings = endingProgress(scanGitRange(scanner, options, noticePrinter(io, notices, { all: true }), summary), progress);
    // Authors, committers, messages and paths of the commits (and, with --all, ref names and tag messages).
    const git = { cwd: io.cwd, env: io.env };
    const revisions = values.range !== undefined ? [values.range] : values.all ? ["--all"] : ["HEAD"];
    const names = Promise.all([commitNames({ ...git, revisions, ...(values.since !== undefined && { since: values.since }) }), values.all ? refNames(git) : []]).then((n) => n.flat());
    names.catch(() => {});
    const controls = trusted && { controls: { findings: trusted.controls, block: trusted.controlsBlock }, exemptions: trusted.exemptions };
    return finishScan(prepared, { findings, notices, stats: summary, command: "git", names, ...controls }, values, io);
  },
};
