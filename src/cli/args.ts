import { parseArgs, type ParseArgsConfig } from "node:util";
import { KeyfenceError } from "../errors.js";
import { didYouMean } from "./suggest.js";

type Parsed<T extends OptionSpec> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>>;

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** `--help` was given: the dispatcher prints the command's usage and exits 0 (one place for every command). */
export class HelpRequested extends Error {
  constructor() {
    super("help requested");
    this.name = "HelpRequested";
  }
}

/**
 * Strict argument parsing; a usage error is a one-line KeyfenceError (exit 2) naming the command, and
 * `--help` raises HelpRequested, which src/cli/main.ts answers with the command's usage.
 */
export function parse<T extends OptionSpec>(command: string, args: string[], options: T, allowPositionals: boolean): Parsed<T> {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>({ args, options, allowPositionals, strict: true });
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/\. To specify a positional.*$/, "");
    const unknown = (err as NodeJS.ErrnoException).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(--[^'=]+)/.exec(msg)?.[1] : undefined;
    // Node explains an ambiguous value on later lines we drop; keep its one useful instruction.
    const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(msg)?.[1];
    const hint = unknown
      ? didYouMean(unknown, Object.keys(options).map((name) => `--${name}`))
      : ambiguous
        ? ` For a value starting with '-', write ${ambiguous}=VALUE.`
        : "";
    throw new KeyfenceError(`${msg}${hint} (see 'keyfence ${command} --help')`, { subject: `keyfence ${command}` });
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
  return parsed;
}

/** Options every scanning command shares; each command adds its own. */
export const SCAN_OPTIONS = {
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  config: { type: "string", short: "c" },
  "fail-on": { type: "string" },
  "show-secrets": { type: "boolean" },
  "report-info": { type: "boolean" },
  "no-color": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  baseline: { type: "string" },
  "no-baseline": { type: "boolean" },
  "sarif-category": { type: "string" },
  "audit-log": { type: "string" },
  verify: { type: "boolean" },
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export const SCAN_OPTIONS_HELP = `Output and policy:
  -f, --format FORMAT     text (default), json, sarif, gitlab, github-annotations, github-summary, junit,
                          azure (Azure Pipelines logging commands), bitbucket (Code Insights report)
  -o, --output FILE       write the report to FILE (atomically) instead of stdout
  -c, --config FILE       configuration file (default: the nearest keyfence.config.* or package.json "keyfence"
                          from here up to the repository root)
      --fail-on SEVERITY  lowest severity that blocks: critical, high, medium (default), low, info, never
      --report-info       also report info findings (public-by-design keys such as publishable keys)
      --show-secrets      print raw secret values in text and JSON output (never in SARIF); use with care
      --no-color          no ANSI colours (also: NO_COLOR=1)
  -q, --quiet             no summary on stderr when writing to a file
      --baseline FILE     report only findings not accepted in FILE (see 'keyfence baseline'); default:
                          the config's "baseline", else .keyfence-baseline.json here if it exists (not in 'ci')
      --no-baseline       report every finding, whatever baseline the config or the default file holds
      --sarif-category ID SARIF runAutomationDetails.id (code scanning keeps categories apart)
      --audit-log FILE    append one JSON line per run and per decision (who, what, when, where, why)
      --verify            ask each provider, with one read-only request per credential, whether it still
                          works (docs/verify.md); off by default, refused by config "verify": "never";
                          every request is recorded in the audit log (default: inside .git)
      --progress          a progress line on stderr even when it is not a terminal or in CI
      --no-progress       no progress line (default: shown only on a terminal, never in CI)
  -h, --help              this help

Exit codes: 0 nothing at or above --fail-on; 1 blocking findings; 2 usage, configuration or runtime
error, or an incomplete scan (a file could not be read) with nothing blocking.`;
