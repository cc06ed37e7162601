// The part every scanning command shares: configuration → scanner → findings → report → exit code.
// Commands differ only in where the findings come from (files, stdin, the index, commits).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { appendAuditLog, auditContext, auditRecords, bypassReason, type AuditContext } from "../audit/audit-log.js";
import { presentableFinding, presentableRecord, safeName } from "../names/present.js";
import { resolveConfig, type Config, type FailOn } from "../config/config.js";
import { resolveFingerprintKey, type FingerprintKey } from "../finding/fingerprint-key.js";
import { createScanner, type Scanner } from "../scanner.js";
import { REPORTERS, type ScanReport } from "../report/index.js";
import { summaryLine } from "../report/text.js";
import { KeyfenceError } from "../errors.js";
import { TOOL } from "../version.js";
import { isSeverity } from "../policy/severity.js";
import { BaselineFilter, checkBaselineKey, type Baseline, DEFAULT_BASELINE_FILE, existsUnder, loadBaseline, pathUnder } from "../policy/baseline.js";
import { writeFileAtomic } from "../io/output-file.js";
import { useColor, type CliIO } from "./io.js";
import type { Finding } from "../types.js";
import type { SourceNotice } from "../sources/files.js";
import type { Exemption } from "../config/added-exemptions.js";
import { findingsInRunNames, type Name } from "../names/name-findings.js";
import { verifyIfAsked } from "./verify-run.js";

export interface ScanFlags {
  format?: string;
  output?: string;
  config?: string;
  "fail-on"?: string;
  "show-secrets"?: boolean;
  "report-info"?: boolean;
  "no-color"?: boolean;
  quiet?: boolean;
  baseline?: string;
  "no-baseline"?: boolean;
  "sarif-category"?: string;
  "audit-log"?: string;
  verify?: boolean;
}

export interface PreparedScan {
  scanner: Scanner;
  config: Config;
  format: string;
  failOn: FailOn;
  /** Set when a baseline (--baseline or the `baseline` config key) filters the findings. */
  baseline?: BaselineFilter;
  /** The repository's fingerprint key (src/finding/fingerprint-key.ts), which every digest is keyed with. */
  key: FingerprintKey;
}

/** Validates flags and configuration before any scanning starts, so bad input fails fast. */
export interface PrepareOptions {
  /** False: no baseline filters this run (the commands that write baselines). */
  useBaseline?: boolean;
  /**
   * Pick up `.keyfence-baseline.json` in the working folder when neither --baseline nor the config
   * names one: where `keyfence baseline create` writes it, so the next scan honours it (as gitleaks'
   * and detect-secrets' users expect). Not for `ci`: there the working tree is the change under
   * review, and a pull request must not be able to accept its own secrets.
   */
  discoverBaseline?: boolean;
}

/** The baseline a run uses: --baseline, else the config's, else (when asked) the default file if it exists. */
function baselineFileFor(flags: ScanFlags, config: Config, cwd: string, options: PrepareOptions): string | undefined {
  if (options.useBaseline === false || flags["no-baseline"]) return undefined;
  if (flags.baseline) return resolve(cwd, flags.baseline);
  if (config.baseline) return config.baseline;
  const fallback = resolve(cwd, DEFAULT_BASELINE_FILE);
  return options.discoverBaseline && existsSync(fallback) ? fallback : undefined;
}

export function prepareScan(flags: ScanFlags, io: CliIO, options: PrepareOptions = {}): PreparedScan {
  const format = flags.format ?? "text";
  if (!REPORTERS[format]) throw new KeyfenceError(`unknown format "${format}" (use one of: ${Object.keys(REPORTERS).join(", ")})`, { subject: "--format" });
  const failOnFlag = flags["fail-on"];
  if (failOnFlag !== undefined && failOnFlag !== "never" && !isSeverity(failOnFlag)) {
    throw new KeyfenceError(`unknown severity "${failOnFlag}" (use critical, high, medium, low, info or never)`, { subject: "--fail-on" });
  }
  const { config } = resolveConfig(io.cwd, flags.config && resolve(io.cwd, flags.config));
  const effective: Config = flags["report-info"] ? { ...config, reportInfo: true } : config;
  const key = resolveFingerprintKey(io.cwd, io.env);
  const scanner = createScanner({ config: effective, failOn: failOnFlag as FailOn | undefined, fingerprintKey: key.key });
  const baselineFile = baselineFileFor(flags, config, io.cwd, options);
  const baseline = baselineFile ? openBaseline(baselineFile, loadBaseline(baselineFile), key, io.cwd) : undefined;
  return { scanner, config: effective, format, failOn: scanner.policy.failOn, key, ...(baseline && { baseline }) };
}

/** A baseline as a filter, once it is known to be keyed with this run's key. */
export function openBaseline(file: string, baseline: Baseline, key: FingerprintKey, cwd: string): BaselineFilter {
  checkBaselineKey(file, baseline, key);
  return new BaselineFilter(file, baseline, { exists: existsUnder(cwd), selfPath: pathUnder(cwd, file) });
}

export interface ScanRun {
  findings: AsyncIterable<Finding>;
  notices: SourceNotice[];
  stats: { files: number; bytes: number; ignored?: number };
  /** Folder finding paths are relative to (default: the current folder); read once findings are consumed. */
  root?: string;
  /** The command line as the audit trail records it, e.g. "staged". */
  command?: string;
  /** The pre-commit hook honours a deliberate, reasoned KEYFENCE_BYPASS; other commands do not. */
  allowBypass?: boolean;
  /** Findings about the gate itself (a change weakening the trusted configuration), and whether they block. */
  controls?: { findings: Finding[]; block: boolean };
  /** Inline allows the change adds, listed for reviewers. */
  exemptions?: Exemption[];
  /**
   * Names the source read (file paths, authors, messages, refs), scanned as text once the findings are
   * in; the paths of findings and notices are added to them.
   */
  names?: Promise<Name[]> | Name[];
}

/** Collects a run's findings, renders the chosen format, writes it, and returns the exit code. */
export async function finishScan(prepared: PreparedScan, run: ScanRun, flags: ScanFlags, io: CliIO, extraOutputs?: (report: ScanReport) => void): Promise<number> {
  const started = Date.now();
  // A bypass without a reason is refused before any work is done.
  const bypass = run.allowBypass ? bypassReason(io.env) : undefined;
  const findings: Finding[] = [...(run.controls?.findings ?? [])];
  for await (const f of run.findings) {
    const kept = prepared.baseline ? prepared.baseline.apply(f) : f;
    if (kept) findings.push(kept);
  }
  findings.push(...(await nameFindings(prepared, run, findings)));
  const reason = bypass && safeName(bypass);
  // git is asked where the default audit log lives only when something will be written to it.
  const auditFile = flags["audit-log"] ?? prepared.config.auditLog ?? (reason ? defaultAuditLog(run.root ?? io.cwd) : undefined);
  // After the baseline (accepted findings are never sent) and before blocking is judged (a live
  // credential is raised to critical). Control findings are about the gate, not credentials.
  const verifiable = findings.filter((f) => !run.controls?.findings.includes(f));
  const verified = await verifyIfAsked(flags.verify, verifiable, io, { config: prepared.config, rules: prepared.scanner.rules, auditFile: auditFile ?? (flags.verify ? defaultAuditLog(run.root ?? io.cwd) : "") });
  if (verified !== verifiable) findings.splice(0, findings.length, ...(run.controls?.findings ?? []), ...verified);
  const controls = new Set(run.controls?.findings);
  const blocking = new Set(findings.filter((f) => (controls.has(f) ? run.controls!.block : prepared.scanner.policy.blocks(f))).map((f) => f.fingerprint));
  const incomplete = run.notices.some((n) => n.incomplete);
  // From here on only what may be shown: every name scrubbed, and escaped except in JSON for programs
  // (src/names/present.ts).
  const escape = prepared.format !== "json";
  const shown = findings.map((f) => presentableFinding(f, escape));
  const report: ScanReport = {
    tool: TOOL,
    root: run.root ?? io.cwd,
    findings: shown,
    rules: prepared.scanner.rules,
    notices: run.notices.map((n) => presentableRecord(n, escape)),
    failOn: prepared.failOn,
    blocking,
    incomplete,
    stats: { ...run.stats, durationMs: Date.now() - started },
    ...(flags["sarif-category"] && { category: flags["sarif-category"] }),
    ...(run.exemptions && { exemptions: run.exemptions.map((e) => presentableRecord(e, escape)) }),
  };
  // CI outputs (annotations, step summary, SARIF, GitLab) always escape.
  extraOutputs?.(escape ? report : { ...report, findings: findings.map((f) => presentableFinding(f)), notices: run.notices.map((n) => presentableRecord(n)), ...(run.exemptions && { exemptions: run.exemptions.map((e) => presentableRecord(e)) }) });
  const showSecrets = flags["show-secrets"] === true;
  const color = !flags["no-color"] && !flags.output && useColor(io);
  const rendered = REPORTERS[prepared.format]!(report, { showSecrets, color });
  if (flags.output) {
    writeFileAtomic(flags.output, rendered, io.cwd, { secret: showSecrets });
    if (!flags.quiet) io.stderr.write(`${summaryLine(report)} Report written to ${safeName(flags.output)}.\n`);
  } else {
    io.stdout.write(rendered);
  }
  const b = prepared.baseline;
  if (b && !flags.quiet) io.stderr.write(`keyfence: baseline ${safeName(b.file)}: ${b.accepted} accepted, ${b.expired} expired (reported again).\n`);
  let code = blocking.size > 0 ? 1 : incomplete ? 2 : 0;
  if (reason && code !== 0) {
    io.stderr.write(`keyfence: BYPASSED (${reason}): ${blocking.size} blocking finding(s) let through and recorded in the audit log; rotate them anyway.\n`);
    code = 0;
  }
  if (auditFile) {
    const records = auditRecords(
      { command: run.command ?? "scan", findings: findings.map((f) => presentableFinding(f, false)), blocking, exitCode: code, ...(reason && { bypassReason: reason }), ...(prepared.baseline && { baselined: new Map([...prepared.baseline.acceptedEntries].map(([k, e]) => [k, presentableRecord(e, false)])) }) },
      // Who and where come from git config, branch names and the CI environment: names like any other.
      presentableContext(auditContext(run.root ?? io.cwd, io.env)),
    );
    appendAuditLog(auditFile, io.cwd, records);
  }
  return code;
}

/** Findings in the run's names (src/names/name-findings.ts), through the baseline like any other. */
async function nameFindings(prepared: PreparedScan, run: ScanRun, findings: readonly Finding[]): Promise<Finding[]> {
  const found = findingsInRunNames(prepared.scanner, await (run.names ?? []), findings, run.notices);
  return prepared.baseline ? found.flatMap((f) => prepared.baseline!.apply(f) ?? []) : found;
}

function presentableContext(ctx: AuditContext): AuditContext {
  return { who: presentableRecord(ctx.who, false), where: presentableRecord(ctx.where, false) };
}

/** Where a bypass is recorded when no audit log is configured: inside the repository's git folder. */
function defaultAuditLog(cwd: string): string {
  const r = spawnSync("git", ["rev-parse", "--absolute-git-dir"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return r.status === 0 ? join(r.stdout.trim(), "keyfence-audit.jsonl") : join(cwd, ".keyfence-audit.jsonl");
}

/**
 * Collects source notices and prints them to stderr as they happen. File sources print only what made
 * the scan incomplete (deliberate skips are routine); git sources pass `all`, since their notices are
 * repository-level conditions (a shallow or partial clone) that each matter to the reader.
 */
export function noticePrinter(io: CliIO, notices: SourceNotice[], options: { all?: boolean } = {}): (n: SourceNotice) => void {
  return (n) => {
    notices.push(n);
    if (n.incomplete || options.all) io.stderr.write(`keyfence: warning: ${safeName(n.path)}: ${safeName(n.reason)}\n`);
  };
}
