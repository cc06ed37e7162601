// Config valid: the file keyfence would use here loads, validates, and its rule packs compile. The
// same code path as every scan (resolveConfig, createScanner), so "doctor passes" means "scans run".
import { resolveConfig, type Config } from "../config/config.js";
import { createScanner } from "../scanner.js";
import { KeyfenceError } from "../errors.js";
import { errorLine, shown, type CheckResult, type DoctorContext } from "./check.js";

const ID = "config";
const TITLE = "Configuration valid";

/** The configuration in force, for the checks that read it (baseline); undefined when it is invalid. */
export function loadConfigQuietly(ctx: DoctorContext): Config | undefined {
  try {
    return resolveConfig(ctx.cwd, ctx.configFile).config;
  } catch {
    return undefined;
  }
}

export async function configCheck(ctx: DoctorContext): Promise<CheckResult> {
  try {
    const loaded = resolveConfig(ctx.cwd, ctx.configFile);
    const scanner = createScanner({ config: loaded.config });
    const where = loaded.file ? shown(ctx.root, loaded.file) : undefined;
    const chain = (loaded.files ?? []).length > 1 ? ` (extends ${loaded.files!.slice(0, -1).map((f) => shown(ctx.root, f)).join(", ")})` : "";
    return {
      id: ID,
      title: TITLE,
      status: "pass",
      found: [where ? `${where}${chain} is valid; ${scanner.rules.length} rules active` : `no config file; defaults apply; ${scanner.rules.length} rules active`],
    };
  } catch (err) {
    if (!(err instanceof KeyfenceError)) throw err;
    // The error names the file, line and key; the fix is to edit exactly that.
    return { id: ID, title: TITLE, status: "fail", found: [errorLine(err, ctx.root)], fix: `edit ${err.file ? shown(ctx.root, err.file) : "the configuration"}${err.line ? ` line ${err.line}` : ""} as the message says, then run keyfence doctor again` };
  }
}
