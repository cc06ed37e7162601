// The part every scanning command shares: configuration → scanner → findings → report → exit code.
// Commands differ only in where the findings come from (files, stdin, the index, commits).
import { resolve } from "node:path";
import { resolveConfig, type Config, type FailOn } from "../config/config.js";
import { createScanner, type Scanner } from "../scanner.js";
import { REPORTERS, type ScanReport } from "../report/index.js";
import { summaryLine } from "../report/text.js";
import { KeyfenceError } from "../errors.js";
import { TOOL } from "../version.js";
import { isSeverity } from "../policy/severity.js";
import { BaselineFilter, existsUnder, loadBaseline, pathUnder } from "../policy/baseline.js";
import { writeFileAtomic } from "./output.js";
import { useColor, type CliIO } from "./io.js";
import type { Finding } from "../types.js";
import type { SourceNotice } from "../sources/files.js";

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
  "sarif-category"?: string;
}

export interface PreparedScan {
  scanner: Scanner;
  config: Config;
  format: string;
  failOn: FailOn;
  /** Set when a baseline (--baseline or the `baseline` config key) filters the findings. */
  baseline?: BaselineFilter;
}

/** Validates flags and configuration before any scanning starts, so bad input fails fast. */
export function prepareScan(flags: ScanFlags, io: CliIO, options: { useBaseline?: boolean } = {}): PreparedScan {
  const format = flags.format ?? "text";
  if (!REPORTERS[format]) throw new KeyfenceError(`unknown format "${format}" (use one of: ${Object.keys(REPORTERS).join(", ")})`, { subject: "--format" });
  const failOnFlag = flags["fail-on"];
  if (failOnFlag !== undefined && failOnFlag !== "never" && !isSeverity(failOnFlag)) {
    throw new KeyfenceError(`unknown severity "${failOnFlag}" (use critical, high, medium, low, info or never)`, { subject: "--fail-on" });
  }
  const { config } = resolveConfig(io.cwd, flags.config && resolve(io.cwd, flags.config));
  const effective: Config = flags["report-info"] ? { ...config, reportInfo: true } : config;
  const scanner = createScanner({ config: effective, failOn: failOnFlag as FailOn | undefined });
  const baselineFile = options.useBaseline === false ? undefined : flags.baseline ? resolve(io.cwd, flags.baseline) : config.baseline;
  const baseline = baselineFile ? new BaselineFilter(baselineFile, loadBaseline(baselineFile), { exists: existsUnder(io.cwd), selfPath: pathUnder(io.cwd, baselineFile) }) : undefined;
  return { scanner, config: effective, format, failOn: scanner.policy.failOn, ...(baseline && { baseline }) };
}

export interface ScanRun {
  findings: AsyncIterable<Finding>;
  notices: SourceNotice[];
  stats: { files: number; bytes: number };
  /** Folder finding paths are relative to (default: the current folder); read once findings are consumed. */
  root?: string;
}

/** Collects a run's findings, renders the chosen format, writes it, and returns the exit code. */
export async function finishScan(prepared: PreparedScan, run: ScanRun, flags: ScanFlags, io: CliIO, extraOutputs?: (report: ScanReport) => void): Promise<number> {
  const started = Date.now();
  const findings: Finding[] = [];
  for await (const f of run.findings) {
    const kept = prepared.baseline ? prepared.baseline.apply(f) : f;
    if (kept) findings.push(kept);
  }
  const blocking = new Set(findings.filter((f) => prepared.scanner.policy.blocks(f)).map((f) => f.fingerprint));
  const incomplete = run.notices.some((n) => n.incomplete);
  const report: ScanReport = {
    tool: TOOL,
    root: run.root ?? io.cwd,
    findings,
    rules: prepared.scanner.rules,
    notices: run.notices,
    failOn: prepared.failOn,
    blocking,
    incomplete,
    stats: { ...run.stats, durationMs: Date.now() - started },
    ...(flags["sarif-category"] && { category: flags["sarif-category"] }),
  };
  extraOutputs?.(report);
  const showSecrets = flags["show-secrets"] === true;
  const color = !flags["no-color"] && !flags.output && useColor(io);
  const rendered = REPORTERS[prepared.format]!(report, { showSecrets, color });
  if (flags.output) {
    writeFileAtomic(flags.output, rendered, io.cwd);
    if (!flags.quiet) io.stderr.write(`${summaryLine(report)} Report written to ${flags.output}.\n`);
  } else {
    io.stdout.write(rendered);
  }
  const b = prepared.baseline;
  if (b && !flags.quiet) io.stderr.write(`keyfence: baseline ${b.file}: ${b.accepted} accepted, ${b.expired} expired (reported again).\n`);
  if (blocking.size > 0) return 1;
  return incomplete ? 2 : 0;
}

/** Prints a source notice to stderr as it happens: deliberate skips only in verbose mode. */
export function noticePrinter(io: CliIO, notices: SourceNotice[]): (n: SourceNotice) => void {
  return (n) => {
    notices.push(n);
    if (n.incomplete) io.stderr.write(`keyfence: warning: ${n.path}: ${n.reason}\n`);
  };
}
