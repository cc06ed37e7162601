import { KeyfenceError } from "../../errors.js";
import { blockMessage, FAIL_CLOSED_HINT } from "../../hooks/block-message.js";
import { scanStaged, type StagedSummary } from "../../orchestrator/git.js";
import { presentableFinding } from "../../names/present.js";
import { stagedNames } from "../../sources/git/names.js";
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP, parse, HelpRequested } from "../args.js";
import { finishScan, noticePrinter, prepareScan } from "../scan-run.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { Finding } from "../../types.js";
import type { SourceNotice } from "../../sources/source.js";

const USAGE = `Usage: keyfence staged [files…] [options]

Scans what 'git commit' would record: the index, not the working tree (a partially staged file is
judged by its staged content). Only lines this commit adds are reported; a secret already committed
on an untouched line does not block. Works before the first commit, with renames, and with any file
name. This is what the pre-commit hook runs (see 'keyfence install').

Files named on the command line (as lint-staged and the pre-commit framework pass them) limit the
check to those files. A named file this commit does not change is checked whole, as it stands in the
index: so 'pre-commit run --all-files' and '--files' audit what they name.

${SCAN_OPTIONS_HELP}

If keyfence cannot check the index (not a repository, bad configuration, internal error) it exits 2,
so a hook fails closed: the commit is blocked until the problem is fixed or bypassed with
'git commit --no-verify'.`;

export const stagedCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    try {
      const { values, positionals } = parse("staged", args, SCAN_OPTIONS, true);
      const prepared = prepareScan(values, io, { discoverBaseline: true });
      // Read beside the scan: the staged paths are scanned as names (a token used as a file name).
      const names = stagedNames({ cwd: io.cwd, env: io.env });
      names.catch(() => {});
      const { scanner } = prepared;
      const notices: SourceNotice[] = [];
      const summary: StagedSummary = { files: 0, bytes: 0 };
      const blocking: Finding[] = [];
      async function* findings(): AsyncGenerator<Finding> {
        // The configuration's scope (include/exclude, size limit) is the scanner's own.
        const options = { cwd: io.cwd, env: io.env, ...(positionals.length && { paths: positionals }) };
        for await (const f of scanStaged(scanner, options, noticePrinter(io, notices), summary)) {
          if (scanner.policy.blocks(f)) blocking.push(f);
          yield f;
        }
      }
      const run = {
        findings: findings(),
        notices,
        stats: summary,
        command: "staged",
        allowBypass: true,
        names,
        get root() {
          return summary.root;
        },
      };
      const code = await finishScan(prepared, run, values, io);
      const accepted = prepared.baseline?.acceptedEntries;
      if (code === 1 && !values.quiet) io.stderr.write(blockMessage(blocking.filter((f) => !accepted?.has(f.fingerprint)).map((f) => presentableFinding(f))));
      return code;
    } catch (err) {
      if (err instanceof HelpRequested) throw err;
      // Fail closed, and say so: in a hook, this exit code is what stops the commit.
      if (err instanceof KeyfenceError) throw new KeyfenceError(`${err.message}; ${FAIL_CLOSED_HINT}`, { file: err.file, line: err.line, subject: err.subject });
      throw new KeyfenceError(`internal error: ${err instanceof Error ? err.message : String(err)} (please report it); ${FAIL_CLOSED_HINT}`);
    }
  },
};
