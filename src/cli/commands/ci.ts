import { CI_OPTIONS, CI_OPTIONS_HELP, runCi } from "../ci/run.js";
import { SCAN_OPTIONS_HELP, parse } from "../args.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";

const USAGE = `Usage: keyfence ci [options]

Scans exactly the change under review. GitHub Actions: a pull request's base..head from the event
payload, a push's before..after (new branches and force pushes handled). GitLab CI: the merge request's
diff base..head, or the pushed range. Elsewhere: --range A..B, or the last commit. A shallow clone that
lacks those commits fails with a message saying how to fetch them (fetch-depth: 0 / GIT_DEPTH: 0).
Writes annotations on GitHub, the step summary, SARIF and GitLab's report as asked.

${CI_OPTIONS_HELP}

${SCAN_OPTIONS_HELP}`;

export const ciCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("ci", args, CI_OPTIONS, false);
    return runCi(values, io);
  },
};
