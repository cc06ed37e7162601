import { baselineCommand } from "./baseline.js";
import { rulesCommand } from "./rules.js";
import { scanCommand } from "./scan.js";
import type { Command } from "../command.js";

/** Every sub-command, in the order `keyfence --help` lists them. */
export const COMMANDS: readonly Command[] = [scanCommand, rulesCommand, baselineCommand];
