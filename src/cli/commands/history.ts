import { scanHistory } from "../../orchestrator/git.js";
import type { GitScanSummary } from "../../sources/git/index.js";
import { historyNames } from "../../sources/git/names.js";
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP, parse } from "../args.js";
import { finishScan, prepareScan, noticePrinter } from "../scan-run.js";
import { countCommits, revisionArgs, startProgress } from "../progress.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { Finding } from "../../types.js";
import type { SourceNotice } from "../../sources/source.js";

const OPTIONS = {
  ...SCAN_OPTIONS,
  since: { type: "string" },
} as const;

const USAGE = `Usage: keyfence history [options]

Scans every commit of every ref (branches, tags, remotes, stash) and reports each credential once:
the commit that first added it, its author and date, whether HEAD still holds it, and how long it
has been exposed against the rotation window of its severity, e.g.
  "exposed 412 days; critical credentials must be rotated within 30; still present at HEAD".
Most urgent first. Shallow and partial clones are scanned as far as their objects go, with a warning.

      --since DATE        only commits after DATE (then "first commit" means the first one in that window)

${SCAN_OPTIONS_HELP}`;

export const historyCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("history", args, OPTIONS, false);
    const prepared = prepareScan(values, io, { discoverBaseline: true });
    const { scanner } = prepared;
    const notices: SourceNotice[] = [];
    const summary: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
    const progress = startProgress(values, io, "keyfence history", "commits");
    if (progress) await progress.totalFrom(countCommits(io.cwd, io.env, revisionArgs({ all: true, since: values.since })));
    const onCommit = progress ? (_c: unknown, s: GitScanSummary) => progress.set(s.commits, s.bytes) : undefined;
    async function* findings(): AsyncGenerator<Finding> {
      const options = {
        cwd: io.cwd,
        env: io.env,
        ...(values.since !== undefined && { since: values.since }),
        ...(onCommit && { onCommit }),
      };
      try {
        yield* scanHistory(scanner, options, noticePrinter(io, notices, { all: true }), summary);
      } finally {
        progress?.finish();
      }
    }
    // Every commit's authors, messages and paths, every ref name and annotated-tag message.
    const names = historyNames({ cwd: io.cwd, env: io.env, ...(values.since !== undefined && { since: values.since }) });
    names.catch(() => {});
    return finishScan(prepared, { findings: findings(), notices, stats: summary, command: "history", names }, values, io);
  },
};
