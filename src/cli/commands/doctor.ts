import { runDoctor, doctorExitCode } from "../../doctor/doctor.js";
import { renderDoctorJson, renderDoctorText } from "../../doctor/render.js";
import { KeyfenceError } from "../../errors.js";
import { parse } from "../args.js";
import { writeFileAtomic } from "../../io/output-file.js";
import { scrubSecrets } from "../../names/scrub.js";
import { useColor, type CliIO } from "../io.js";
import type { Command } from "../command.js";

const OPTIONS = {
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  config: { type: "string", short: "c" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const USAGE = `Usage: keyfence doctor [options]

Checks this repository's credential hygiene and says how to fix each problem:
  - secret files (.env, .env.* but templates, *.pem with a private key, *.key, *.p12, *.pfx, *.jks,
    *.keystore, *.ppk, id_rsa/id_dsa/id_ecdsa/id_ed25519, *.kdbx, .pgpass, .netrc) are not tracked,
    and .gitignore covers them;
  - the pre-commit hook is installed and active (husky set up in this clone, or an executable hook in
    the folder git runs hooks from) and keyfence can be found when it runs;
  - a GitHub workflow or GitLab CI job runs keyfence (on pull requests, with full history);
  - baseline entries are not expired and name a reviewer and a reason;
  - the configuration and its rule packs load.

  -f, --format FORMAT   text (default) or json (for dashboards)
  -o, --output FILE     write the report to FILE (atomically) instead of stdout
  -c, --config FILE     configuration file to check (default: the one keyfence would find here)
      --no-color        no ANSI colours (also: NO_COLOR=1)
  -h, --help            this help

Exit codes: 0 every check passes or only warns; 1 a check fails; 2 not a git work tree, or an error.`;

export const doctorCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("doctor", args, OPTIONS, false);
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json") throw new KeyfenceError(`unknown format "${format}" (use text or json)`, { subject: "--format" });
    const report = await runDoctor({ cwd: io.cwd, env: io.env, ...(values.config && { config: values.config }) });
    const color = format === "text" && !values.output && !values["no-color"] && useColor(io);
    // Paths and messages come from the repository: whatever a rule recognises in them is redacted.
    const rendered = scrubSecrets(format === "json" ? renderDoctorJson(report) : renderDoctorText(report, color));
    if (values.output) {
      writeFileAtomic(values.output, rendered, io.cwd);
      io.stderr.write(`keyfence doctor: ${report.summary.fail} failing, ${report.summary.warn} warnings. Report written to ${values.output}.\n`);
    } else {
      io.stdout.write(rendered);
    }
    return doctorExitCode(report);
  },
};
