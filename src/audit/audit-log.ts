// The audit trail: one JSON line per run and one per decision (blocked, accepted by a baseline,
// bypassed), answering who, what, when, where and why. It holds fingerprints and hashes, never a
// value, and it only ever appends.
import { appendToFile } from "../io/output-file.js";
import { hostname } from "node:os";
import { spawnSync } from "node:child_process";
import { KeyfenceError } from "../errors.js";
import { SEVERITIES, type Finding, type Severity } from "../types.js";

export interface AuditContext {
  who: { name?: string; email?: string; ciActor?: string };
  where: { repository?: string; commit?: string; branch?: string; host: string; ciRunUrl?: string; cwd: string };
}

export type Decision = "blocked" | "reported" | "baselined" | "bypassed";

export interface AuditRun {
  command: string;
  findings: readonly Finding[];
  blocking: ReadonlySet<string>;
  exitCode: number;
  /** Why the result was overridden, when it was (KEYFENCE_BYPASS). */
  bypassReason?: string;
  /** Fingerprint → reason, for findings a baseline accepted. */
  baselined?: ReadonlyMap<string, { reason?: string; reviewer?: string; ticket?: string; ruleId: string; path: string }>;
}

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Remote URLs can carry credentials (https://user:token@host/…): keep only host and path. */
export function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

/** Who and where, from git and the CI environment; missing facts are simply absent. */
export function auditContext(cwd: string, env: NodeJS.ProcessEnv): AuditContext {
  const remote = git(cwd, ["remote", "get-url", "origin"]);
  const ciRunUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : env.CI_JOB_URL;
  return {
    who: {
      name: git(cwd, ["config", "user.name"]),
      email: git(cwd, ["config", "user.email"]),
      ciActor: env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN,
    },
    where: {
      repository: remote ? withoutUserinfo(remote) : undefined,
      commit: git(cwd, ["rev-parse", "HEAD"]),
      branch: git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]),
      host: hostname(),
      ciRunUrl,
      cwd,
    },
  };
}

/** The lines a run contributes: one `run` record, then one `decision` per finding. */
export function auditRecords(run: AuditRun, ctx: AuditContext, now: Date = new Date()): object[] {
  const when = now.toISOString();
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, run.findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const records: object[] = [
    {
      type: "run",
      when,
      who: ctx.who,
      what: {
        command: run.command,
        findings: run.findings.length,
        blocking: run.blocking.size,
        bySeverity: counts,
        baselined: run.baselined?.size ?? 0,
        exitCode: run.exitCode,
        fingerprints: run.findings.map((f) => f.fingerprint),
      },
      where: ctx.where,
      why: run.bypassReason ? { bypass: run.bypassReason } : undefined,
    },
  ];
  for (const f of run.findings) {
    const decision: Decision = run.bypassReason && run.blocking.has(f.fingerprint) ? "bypassed" : run.blocking.has(f.fingerprint) ? "blocked" : "reported";
    records.push({
      type: "decision",
      when,
      decision,
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      path: f.path,
      line: f.line,
      ...(f.commit && { commit: f.commit }),
      ...(decision === "bypassed" && { why: run.bypassReason }),
    });
  }
  for (const [fingerprint, b] of run.baselined ?? []) {
    records.push({ type: "decision", when, decision: "baselined", fingerprint, ruleId: b.ruleId, path: b.path, why: b.reason, reviewer: b.reviewer, ticket: b.ticket });
  }
  return records;
}

/** Appends the records as JSON lines; a failure to write the trail is an error (fail closed). */
export function appendAuditLog(file: string, cwd: string, records: readonly object[]): void {
  appendToFile(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n", cwd, "audit log", 0o600);
}

/**
 * A deliberate bypass must say why. Returns the reason, undefined when no bypass was asked for,
 * and refuses (exit 2) a bypass without a reason.
 */
export function bypassReason(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.KEYFENCE_BYPASS;
  if (raw === undefined) return undefined;
  const reason = raw.trim();
  if (reason.length < 3 || /^(1|true|yes|y)$/i.test(reason)) {
    throw new KeyfenceError('KEYFENCE_BYPASS needs a reason, e.g. KEYFENCE_BYPASS="incident 4312: hotfix" — it is recorded in the audit log', { subject: "KEYFENCE_BYPASS" });
  }
  return reason.replace(/[\r\n]+/g, " ").slice(0, 500);
}
