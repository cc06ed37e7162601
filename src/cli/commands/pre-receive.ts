// `keyfence pre-receive`: the server-side hook. git runs it in the receiving (bare) repository with
// the pushed objects in quarantine and the ref updates on stdin; exit 0 accepts the whole push,
// anything else rejects it. Every push is recorded in the audit log (decision, refs, who, bypass).
import { resolve } from "node:path";
import { hostname } from "node:os";
import { appendAuditLog, auditRecords } from "../../audit/audit-log.js";
import { loadConfigFile, type FailOn } from "../../config/config.js";
import { KeyfenceError } from "../../errors.js";
import { isSeverity } from "../../policy/severity.js";
import { createScanner } from "../../scanner.js";
import { judgePush, peeledTypes } from "../../pre-receive/judge.js";
import { rejectionMessage, timeoutMessage, unjudgeableMessage, printable } from "../../pre-receive/message.js";
import { bypassFromPushOptions, pushOptions } from "../../pre-receive/push-options.js";
import { pusherOf } from "../../pre-receive/pusher.js";
import { parseRefUpdates, refLabel } from "../../pre-receive/ref-updates.js";
import { DEFAULT_BUDGET_SECONDS, preReceiveSettings } from "../../pre-receive/settings.js";
import { resolveFingerprintKey } from "../../finding/fingerprint-key.js";
import { parse } from "../args.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";

const OPTIONS = {
  budget: { type: "string" },
  "on-timeout": { type: "string" },
  config: { type: "string", short: "c" },
  "fail-on": { type: "string" },
  "audit-log": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const USAGE = `Usage: keyfence pre-receive [options]   (run by git on the server; 'keyfence install --pre-receive' sets it up)

Reads '<old> <new> <ref>' lines on stdin and judges only the commits new to the server (reachable from
a pushed tip and from no existing ref, read from git's quarantine), and only the lines they add. A push
that adds a credential at or above --fail-on is rejected with the commits, paths and lines (never the
values) and how to repair the commits. Deleting a ref is always allowed.

Bypass (audited): git push -o keyfence-bypass="TICKET-123: reason" (needs receive.advertisePushOptions,
which install sets). Every push is recorded in the audit log (default: keyfence-audit.jsonl in the git dir).

Settings (a flag wins over the bare repository's git config):
      --budget SECONDS      whole hook time (keyfence.preReceive.budget; default ${DEFAULT_BUDGET_SECONDS})
      --on-timeout POLICY   reject (default; fail closed) or accept with a warning and an audit record
                            (keyfence.preReceive.onTimeout)
  -c, --config FILE         server-side configuration (keyfence.preReceive.config); the pushed
                            repository's own configuration is never read
      --fail-on SEVERITY    lowest severity that rejects (keyfence.preReceive.failOn; default medium)
      --audit-log FILE      where the audit trail goes (keyfence.preReceive.auditLog)

Exit codes: 0 push accepted; 1 rejected (credentials); 2 rejected (could not judge: bad input, budget
exceeded, objects missing, a ref pointing at a tree or blob).`;

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stdin) parts.push(typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.concat(parts).toString("utf8");
}

export const preReceiveCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const started = Date.now() - Math.round(process.uptime() * 1000);
    const { values } = parse("pre-receive", args, OPTIONS, false);
    // git config and stdin are read at once: every process start saved is latency the pusher does not wait for.
    const settingsP = preReceiveSettings(values, io.cwd, io.env);
    settingsP.catch(() => {});
    const updates = parseRefUpdates(await readAll(io.stdin));
    const settings = await settingsP;
    const bypass = bypassFromPushOptions(pushOptions(io.env));
    if (settings.failOn !== undefined && settings.failOn !== "never" && !isSeverity(settings.failOn)) {
      throw new KeyfenceError(`unknown severity "${settings.failOn}"`, { subject: "--fail-on" });
    }
    const config = settings.config ? loadConfigFile(resolve(io.cwd, settings.config)).config : {};
    // Started before the rules compile, so git looks the pushed tips up meanwhile.
    const types = peeledTypes(updates, { cwd: io.cwd, env: io.env });
    types.catch(() => {});
    const scanner = createScanner({ config, fingerprintKey: resolveFingerprintKey(io.cwd, io.env).key, ...(settings.failOn && { failOn: settings.failOn as FailOn }) });
    const judged = await judgePush(scanner, updates, {
      types: await types,
      cwd: io.cwd,
      env: io.env,
      budgetMs: Math.max(0, settings.budgetMs - (Date.now() - started)),
      include: config.include,
      exclude: config.exclude,
    });
    const blocking = judged.findings.filter((f) => scanner.policy.blocks(f));
    const unjudgeable = [
      ...judged.refs.filter((r) => r.unjudgeable).map((r) => ({ what: refLabel(r.update.ref), reason: r.unjudgeable! })),
      ...judged.notices.filter((n) => n.incomplete).map((n) => ({ what: "history", reason: n.reason })),
    ];
    let code = 0;
    let message = "";
    if (unjudgeable.length) {
      code = 2;
      message = unjudgeableMessage(unjudgeable);
    } else if (judged.timedOut) {
      code = settings.onTimeout === "accept" ? 0 : 2;
      message = timeoutMessage(settings.budgetMs, judged.summary.commits, code === 0);
    }
    if (blocking.length) {
      code = code || 1;
      message = rejectionMessage(blocking) + (code === 2 ? message : "");
    }
    const rejected = code !== 0;
    if (rejected && bypass) {
      message = `keyfence: BYPASSED (${printable(bypass)}): ${blocking.length} blocking finding(s)${unjudgeable.length || judged.timedOut ? " and an incomplete scan" : ""} let through and recorded in the audit log; rotate the credentials anyway.\n`;
      code = 0;
    }
    if (message) io.stderr.write(message);
    const pusher = pusherOf(io.env);
    const gitDir = resolve(io.cwd, io.env.GIT_DIR ?? ".");
    const records = auditRecords(
      { command: "pre-receive", findings: judged.findings, blocking: new Set(blocking.map((f) => f.fingerprint)), exitCode: code, ...(rejected && bypass && { bypassReason: bypass }) },
      { who: { ...(pusher.name && { name: pusher.name }) }, where: { repository: gitDir, host: hostname(), cwd: io.cwd } },
    );
    records.push({
      type: "push",
      when: new Date().toISOString(),
      decision: code === 0 ? (rejected ? "bypassed" : judged.timedOut ? "accepted-unscanned" : "accepted") : "rejected",
      refs: updates.map((u) => ({ ref: u.ref, old: u.oldOid, new: u.newOid, change: u.change })),
      commits: judged.summary.commits,
      timedOut: judged.timedOut,
      durationMs: Date.now() - started,
      ...(pusher.source && { pusherFrom: pusher.source }),
      ...(bypass && { bypassRequested: bypass }),
    });
    appendAuditLog(settings.auditLog ?? resolve(gitDir, "keyfence-audit.jsonl"), io.cwd, records);
    return code;
  },
};
