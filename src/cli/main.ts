// Entry point: dispatch to a sub-command and turn every failure into exit code 2 with one line on
// stderr. Nothing here may print a secret: error messages are built from paths, keys and rule ids.
import { COMMANDS } from "./commands/index.js";
import { processIO, type CliIO } from "./io.js";
import { KeyfenceError } from "../errors.js";
import { VERSION } from "../version.js";
import { scrubSecrets } from "../names/scrub.js";
import { HelpRequested } from "./args.js";
import { installProblem } from "./install-error.js";
import { didYouMean } from "./suggest.js";
import type { Command } from "./command.js";
import { KEPT_TABLES_DIR, keepBuiltKeywordTables } from "../engine/keyword-tables.js";
import { lowerHelperThreads } from "./helper-threads.js";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `keyfence ${VERSION} — finds banking, payment and cloud credentials before they leave your machine.

Usage: keyfence <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'keyfence help <command>' (or 'keyfence <command> --help') for a command's options.
Exit codes: 0 nothing blocking; 1 blocking findings; 2 usage, configuration or runtime error.`;
}

/** Control characters (a file name with a newline, an escape sequence) must not break the one-line rule. */
function oneLine(text: string): string {
  return scrubSecrets(text).replace(/[\x00-\x1f\x7f]/g, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}

/**
 * What the keyfence process does that a library caller of `main` (a test, a tool) must not: keep the
 * keyword tables it builds for a rule set other than the built-in one, so that a configuration that
 * disables a rule does not rebuild them at every commit (src/engine/keyword-tables.ts); and run V8's
 * helper threads below the scanning thread (src/cli/helper-threads.ts), a change to the whole process.
 */
export function asCliProcess(): void {
  keepBuiltKeywordTables(KEPT_TABLES_DIR);
  lowerHelperThreads();
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  // `keyfence help scan` is `keyfence scan --help`.
  if (name === "help" && rest[0]) return main([rest[0], "--help"], io);
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage() + "\n");
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const hint = didYouMean(name, COMMANDS.map((c) => c.name));
    io.stderr.write(`keyfence: unknown command "${oneLine(name)}"${hint} (run 'keyfence --help')\n`);
    return 2;
  }
  let command: Command | undefined;
  try {
    command = await entry.load();
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof HelpRequested && command) {
      io.stdout.write(command.usage + "\n");
      return 0;
    }
    if (err instanceof KeyfenceError) {
      // An error about a command names it ("keyfence scan: …"); anything else gets the tool's prefix once.
      const named = !err.file && err.subject?.startsWith("keyfence ");
      io.stderr.write(`${named ? "" : "keyfence: "}${oneLine(err.format())}\n`);
      return 2;
    }
    const broken = installProblem(err);
    if (broken) {
      io.stderr.write(`keyfence: ${oneLine(broken)}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`keyfence: internal error: ${oneLine(message)} (please report it; nothing was approved)\n`);
    if (io.env.KEYFENCE_DEBUG && err instanceof Error && err.stack) io.stderr.write(scrubSecrets(err.stack) + "\n");
    return 2;
  }
}
