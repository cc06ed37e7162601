import type { CliIO } from "./io.js";

/** A sub-command: `keyfence <name> …`. Commands register (name, summary, lazy loader) in src/cli/commands/index.ts. */
export interface Command {
  /** Full `keyfence <name> --help` text. */
  usage: string;
  /** Returns the exit code: 0 clean, 1 blocking findings, 2 error. */
  run(args: string[], io: CliIO): Promise<number>;
}
