import { baselineCommand } from "./baseline.js";
import { ciCommand } from "./ci.js";
import { rulesCommand } from "./rules.js";
import { scanCommand } from "./scan.js";
import { stagedCommand } from "./staged.js";
import { gitCommand } from "./git.js";
import { historyCommand } from "./history.js";
import { installCommand, uninstallCommand } from "./install.js";
import type { Command } from "../command.js";

/** Every sub-command, in the order `keyfence --help` lists them. */
export const COMMANDS: readonly Command[] = [scanCommand, stagedCommand, gitCommand, historyCommand, ciCommand, installCommand, uninstallCommand, baselineCommand, rulesCommand];
