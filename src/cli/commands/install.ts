import { realpathSync } from "node:fs";
import { packageFile } from "../../package-root.js";
import { relative } from "node:path";
import { installHook, uninstallHook, type HookResult } from "../../hooks/install.js";
import { installPreReceive, uninstallPreReceive } from "../../hooks/pre-receive-install.js";
import { parse } from "../args.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";

const OPTIONS = { help: { type: "boolean", short: "h" }, "pre-receive": { type: "boolean" } } as const;

const INSTALL_USAGE = `Usage: keyfence install

Adds 'keyfence staged' to the repository's pre-commit hook:
  - with husky (core.hooksPath .husky/_, or a .husky folder and husky in package.json): one line in
    .husky/pre-commit, before its first command (so a failing 'npm test' cannot skip it);
  - otherwise: a hook script in the folder git runs hooks from (core.hooksPath respected). An existing
    hook is kept as pre-commit.keyfence-chained and still runs, first.
A hook that already runs keyfence (directly, through lint-staged, the pre-commit framework or
lefthook) is left alone: a second path would scan every commit twice.
Running it again changes nothing; 'keyfence uninstall' restores the previous files exactly.

      --pre-receive   inside a bare repository on a server: install the pre-receive hook instead
                      ('keyfence pre-receive --help'), and set receive.advertisePushOptions so that
                      pushers can send the audited bypass; an existing pre-receive hook still runs first.`;

const UNINSTALL_USAGE = `Usage: keyfence uninstall

Removes what 'keyfence install' added: the marked line in .husky/pre-commit, or the hook script (the
hook it replaced, if any, is put back). --pre-receive: the pre-receive hook of a bare repository.`;

/** bin/keyfence.js of this installation, so a hook can still find keyfence when it is not on PATH. */
function launcher(): string | undefined {
  try {
    return realpathSync(packageFile("bin/keyfence.js"));
  } catch {
    return undefined;
  }
}

const SAY: Record<HookResult["action"], string> = {
  installed: "installed the pre-commit hook in",
  chained: "installed the pre-commit hook (the existing hook still runs first, from pre-commit.keyfence-chained) in",
  "already-installed": "the pre-commit hook already runs keyfence:",
  removed: "removed the pre-commit hook from",
  restored: "removed the pre-commit hook and restored the previous one:",
  "not-installed": "no keyfence pre-commit hook to remove in",
};

const SAY_PRE_RECEIVE: Record<HookResult["action"], string> = {
  installed: "installed the pre-receive hook in",
  chained: "installed the pre-receive hook (the existing hook still runs first, from pre-receive.keyfence-chained) in",
  "already-installed": "the pre-receive hook already runs keyfence (script refreshed):",
  removed: "removed the pre-receive hook from",
  restored: "removed the pre-receive hook and restored the previous one:",
  "not-installed": "no keyfence pre-receive hook to remove in",
};

function report(io: CliIO, r: HookResult, say = SAY): number {
  const where = relative(io.cwd, r.file) || r.file;
  const shownWhere = r.via ?? (where.startsWith("..") ? r.file : where);
  io.stdout.write(`keyfence: ${say[r.action]} ${shownWhere}${r.kind === "husky" && !r.via ? " (husky)" : ""}\n`);
  return 0;
}

export const installCommand: Command = {
  usage: INSTALL_USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("install", args, OPTIONS, false);
    const bin = launcher();
    if (values["pre-receive"]) return report(io, await installPreReceive({ cwd: io.cwd, env: io.env, ...(bin && { launcher: bin }) }), SAY_PRE_RECEIVE);
    return report(io, await installHook({ cwd: io.cwd, env: io.env, ...(bin && { launcher: bin }) }));
  },
};

export const uninstallCommand: Command = {
  usage: UNINSTALL_USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("uninstall", args, OPTIONS, false);
    if (values["pre-receive"]) return report(io, await uninstallPreReceive({ cwd: io.cwd, env: io.env }), SAY_PRE_RECEIVE);
    return report(io, await uninstallHook({ cwd: io.cwd, env: io.env }));
  },
};
