// `keyfence ci` and `keyfence git --range` judge a change by the trusted configuration: the settings
// of the range's base commit (src/config/trusted.ts). Each way the change weakens them is a blocking
// finding, until approved through the path the organisation chose (--approve-config-change or
// KEYFENCE_APPROVE_CONFIG_CHANGE, which the Action's `approve-config-change` input sets; see the
// README's "Trusted configuration in CI"). Once approved, the change's own settings apply and the
// weakenings are still listed, as approved, with the reason.
import { spawnFailure } from "../sources/git/process.js";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { KeyfenceError } from "../errors.js";
import { commitFiles } from "../config/commit-files.js";
import { DEFAULT_SETTINGS, rulesOf, settingsAt, weakenings, type GateSettings, type Weakening } from "../config/trusted.js";
import { addedExemptions, type Exemption } from "../config/added-exemptions.js";
import { createScanner } from "../scanner.js";
import { loadBuiltinRules } from "../rules/load.js";
import { resolveFingerprintKey } from "../finding/fingerprint-key.js";
import { openBaseline } from "./scan-run.js";
import { fingerprintOf, sha256Hex } from "../finding/fingerprint.js";
import { isSeverity } from "../policy/severity.js";
import { REPORTERS } from "../report/index.js";
import { safeName } from "../names/present.js";
import type { FailOn } from "../config/config.js";
import type { Finding } from "../types.js";
import type { CliIO } from "./io.js";
import type { PreparedScan, ScanFlags } from "./scan-run.js";

export const WEAKENED_RULE_ID = "keyfence-config-weakened";

export interface TrustFlags extends ScanFlags {
  "approve-config-change"?: string;
}

export const TRUST_OPTIONS = {
  "approve-config-change": { type: "string" },
} as const;

export const TRUST_OPTIONS_HELP = `Trusted configuration (ci, git --range):
      --approve-config-change REASON
                          accept the change's own weakening of the configuration, baseline or custom
                          packs (also KEYFENCE_APPROVE_CONFIG_CHANGE); without it they come from the
                          base of the range and each weakening is a blocking finding`;

export interface TrustedScan extends PreparedScan {
  /** Findings about the configuration itself (weakenings), reported beside the scan's. */
  controls: Finding[];
  /** Whether those block (not once approved). */
  controlsBlock: boolean;
  exemptions: Exemption[];
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  // A git that cannot start is not a missing commit: say which it is (fail closed either way).
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") throw spawnFailure(cwd);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function commitOf(cwd: string, rev: string, env?: NodeJS.ProcessEnv): string {
  const sha = git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], env);
  if (!sha) throw new KeyfenceError(`"${rev}" is not a commit in this repository`, { subject: "--range" });
  return sha;
}

/** Base and head commits of a range in the forms ci and git --range use: A..B, A...B, C^!, B. */
export function rangeEnds(cwd: string, range: string, env?: NodeJS.ProcessEnv): { base?: string; head: string } {
  const single = /^(.+)\^!$/.exec(range);
  if (single) {
    const head = commitOf(cwd, single[1]!, env);
    const parent = git(cwd, ["rev-parse", "--verify", "--quiet", `${head}^1`], env);
    return { ...(parent && { base: parent }), head };
  }
  const three = /^(.*?)\.\.\.(.*)$/.exec(range);
  if (three) {
    const a = commitOf(cwd, three[1] || "HEAD", env);
    const b = commitOf(cwd, three[2] || "HEAD", env);
    const mb = git(cwd, ["merge-base", a, b], env);
    return { ...(mb && { base: mb }), head: b };
  }
  const two = /^(.*?)\.\.(.*)$/.exec(range);
  if (two) return { base: commitOf(cwd, two[1] || "HEAD", env), head: commitOf(cwd, two[2] || "HEAD", env) };
  return { head: commitOf(cwd, range, env) };
}

function approvalReason(flags: TrustFlags, env: NodeJS.ProcessEnv): string | undefined {
  const raw = flags["approve-config-change"] ?? env.KEYFENCE_APPROVE_CONFIG_CHANGE;
  if (raw === undefined || raw === "" || raw === "false") return undefined;
  const reason = raw.trim().replace(/[\r\n]+/g, " ");
  if (reason.length < 3 || /^(1|true|yes|y)$/i.test(reason)) {
    throw new KeyfenceError('approving a configuration change needs a reason, e.g. "SEC-123 approved by the security team"', { subject: "--approve-config-change" });
  }
  return reason.slice(0, 500);
}

function weakeningFinding(w: Weakening, approved: string | undefined): Finding {
  const title = "Change weakens keyfence's own configuration";
  const fix = approved
    ? `Approved: ${approved}.`
    : "The gate uses the base branch's settings until this is approved: ask the code owners of the keyfence configuration (CODEOWNERS), who approve with --approve-config-change / the Action's approve-config-change input.";
  return {
    ruleId: WEAKENED_RULE_ID,
    provider: "keyfence",
    kind: "configuration-change",
    title,
    severity: approved ? "info" : "critical",
    environment: "unknown",
    path: w.file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    offset: 0,
    endOffset: 0,
    redacted: w.detail,
    // Not a secret: the digest names the configuration change, so the same change keeps its fingerprint.
    secretDigest: sha256Hex(`${w.key}\0${w.detail}`),
    fingerprint: fingerprintOf(WEAKENED_RULE_ID, w.file, sha256Hex(`${w.key}\0${w.detail}`)),
    message: `${title}: ${w.detail}`,
    remediation: fix,
    tags: ["four-eyes", "SOC2-CC8.1"],
  };
}

/** Like prepareScan, with every setting read from the base of `range` (see the header). */
export function prepareTrustedScan(flags: TrustFlags, io: CliIO, range: string): TrustedScan {
  const format = flags.format ?? "text";
  if (!REPORTERS[format]) throw new KeyfenceError(`unknown format "${format}" (use one of: ${Object.keys(REPORTERS).join(", ")})`, { subject: "--format" });
  const failOnFlag = flags["fail-on"];
  if (failOnFlag !== undefined && failOnFlag !== "never" && !isSeverity(failOnFlag)) {
    throw new KeyfenceError(`unknown severity "${failOnFlag}" (use critical, high, medium, low, info or never)`, { subject: "--fail-on" });
  }
  const approved = approvalReason(flags, io.env);
  const root = git(io.cwd, ["rev-parse", "--show-toplevel"], io.env);
  if (!root) throw new KeyfenceError("not a git repository (use 'keyfence scan' for plain folders)", { file: io.cwd });
  const { base, head } = rangeEnds(io.cwd, range, io.env);
  const req = { root, cwd: resolve(io.cwd), ...(flags.config !== undefined && { config: flags.config }), ...(flags.baseline !== undefined && { baseline: flags.baseline }), ...(flags["no-baseline"] && { noBaseline: true }) };
  const trusted: GateSettings = base ? settingsAt(commitFiles(root, base, [head]), req) : DEFAULT_SETTINGS;
  const proposed = settingsAt(commitFiles(root, head, base ? [base] : []), req);
  const found = weakenings(trusted, proposed, loadBuiltinRules());
  const chosen = approved && found.length ? proposed : trusted;
  const config = flags["report-info"] ? { ...chosen.config, reportInfo: true } : chosen.config;
  const key = resolveFingerprintKey(io.cwd, io.env);
  const scanner = createScanner({ config, rules: rulesOf(chosen, loadBuiltinRules), failOn: failOnFlag as FailOn | undefined, fingerprintKey: key.key });
  const b = chosen.baseline;
  const baseline = b ? openBaseline(b.file, b.baseline, key, io.cwd) : undefined;
  const from = base ? `base commit ${base.slice(0, 12)}` : "keyfence's defaults (the range has no base commit)";
  io.stderr.write(
    found.length === 0
      ? `keyfence: configuration, baseline and rule packs from the ${from}.\n`
      : approved
        ? `keyfence: the change weakens the configuration in ${found.length} way(s), approved (${safeName(approved)}); its own settings apply.\n`
        : `keyfence: the change weakens the configuration in ${found.length} way(s); settings from the ${from} apply, and each weakening blocks until approved.\n`,
  );
  return {
    scanner,
    config,
    format,
    failOn: scanner.policy.failOn,
    key,
    ...(baseline && { baseline }),
    controls: found.map((w) => weakeningFinding(w, approved)),
    controlsBlock: !approved,
    exemptions: addedExemptions(root, base, head),
  };
}
