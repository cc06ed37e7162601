// `keyfence fleet plan|scan|merge`: an organisation's repositories audited in shards on an engine
// teams already run (GitHub Actions matrix jobs, GitLab parallel:matrix, Kubernetes Indexed Jobs).
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { KeyfenceError } from "../../errors.js";
import { TOOL, VERSION } from "../../version.js";
import { resolveConfig, type FailOn } from "../../config/config.js";
import { createScanner, rulesForConfig, type Scanner } from "../../scanner.js";
import { isSeverity, blocks } from "../../policy/severity.js";
import { readRepoList } from "../../fleet/repo-list.js";
import { planShards, type FleetPlan, type PlannedRepo } from "../../fleet/plan.js";
import { loadPlan } from "../../fleet/plan-file.js";
import { PLAN_FORMATS, renderPlanFormat, type PlanFormat } from "../../fleet/plan-formats.js";
import { scanShard } from "../../fleet/shard-scan.js";
import { scanSettingsDigest } from "../../fleet/checkpoint.js";
import { loadResults } from "../../fleet/results-load.js";
import { MERGE_FORMATS, formatOfFile, orgReportOf, renderMerged, type MergeFormat } from "../../fleet/merge.js";
import { resolveFingerprintKey } from "../../finding/fingerprint-key.js";
import { mergeKeyWarning, shardKeyWarning } from "../../fleet/key-warning.js";
import { writeFileAtomic } from "../../io/output-file.js";
import { parse } from "../args.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";

const USAGE = `Usage: keyfence fleet plan REPOS --shards N --output plan.json [--previous plan.json] [--format FORMAT]
       keyfence fleet scan (--plan plan.json --shard I | --repos REPOS --shard I/N) --out DIR [options]
       keyfence fleet merge DIR… --output FILE [--output FILE…] [--format FORMAT]

Audits many repositories' full histories, sharded across CI jobs. See docs/fleet.md.

plan   REPOS is a file (one clone URL or path per line, optionally followed by its size in KiB; '#'
       comments) or a folder of repositories or mirrors. Shards are balanced by size; with --previous,
       every repository keeps its shard and only new ones are placed (adding one moves no other).
       Credentials in URLs are removed: clone jobs authenticate through git (see docs/fleet.md).
         --shards N           number of shards
         -o, --output FILE    the plan (JSON) that 'fleet scan --plan' reads
         --previous FILE      the last plan, for stable assignments
         -f, --format FORMAT  also print, on stdout: github-matrix (strategy.matrix JSON), gitlab (a child
                              pipeline), k8s-indexed (an Indexed Job manifest)

scan   Clones (git clone --mirror) or updates (git fetch --prune) each repository of the shard, skips it
       when its refs, the tool and the rules are unchanged since the last complete scan (checkpoint), else
       scans every commit of every ref, and writes DIR/repos/<repo>.json and .sarif. A repository that
       fails is recorded as failed and the shard goes on.
         --plan FILE --shard I      shard I (from 0) of a plan
         --repos REPOS --shard I/N  shard I of N, planned on the spot (no --previous)
         --out DIR                  results (DIR/repos, DIR/shard-I.json); mirrors in DIR/mirrors
         --mirrors DIR              keep mirrors elsewhere (e.g. a CI cache folder)
         -c, --config FILE          configuration (rules, allowlists); default: found from here
         -q, --quiet                no line per repository on stderr
       Exit codes: 0 every repository scanned in full; 2 some failed or were incomplete (findings
       do not fail a scan job: 'fleet merge --fail-on' decides).

merge  Reads every DIR/**/repos/*.json and writes each --output in the format its extension names
       (.json, .sarif, .md, .html) or --format: one JSON (repositories, credentials, findings), one
       SARIF (one run per repository), one organisation rotation report (Markdown or HTML) in which a
       credential found in several repositories or at several paths is counted once (by rule and the
       keyed digest of its value), with every place.
         -o, --output FILE    repeatable
         -f, --format FORMAT  json, sarif, markdown or html (for an --output without a known extension)
         --fail-on SEVERITY   exit 1 when a credential at or above it was found (default: never)
       Exit codes: 0 done; 1 credentials at or above --fail-on; 2 error, or some repositories were not
       scanned in full.`;

const PLAN_OPTIONS = {
  shards: { type: "string" },
  output: { type: "string", short: "o" },
  previous: { type: "string" },
  format: { type: "string", short: "f" },
  help: { type: "boolean", short: "h" },
} as const;

const SCAN_OPTIONS = {
  plan: { type: "string" },
  repos: { type: "string" },
  shard: { type: "string" },
  out: { type: "string" },
  mirrors: { type: "string" },
  config: { type: "string", short: "c" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

const MERGE_OPTIONS = {
  output: { type: "string", short: "o", multiple: true },
  format: { type: "string", short: "f" },
  "fail-on": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function usageError(message: string): KeyfenceError {
  return new KeyfenceError(`${message} (see 'keyfence fleet --help')`, { subject: "keyfence fleet" });
}

function count(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw usageError(`${what} must be a whole number`);
  return Number(text);
}

async function plan(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse("fleet plan", args, PLAN_OPTIONS, true);
  if (positionals.length !== 1) throw usageError("fleet plan needs one REPOS file or folder");
  if (!values.output) throw usageError("fleet plan needs --output plan.json");
  const format = values.format as PlanFormat | undefined;
  if (format !== undefined && !PLAN_FORMATS.includes(format)) throw usageError(`unknown plan format "${format}" (use ${PLAN_FORMATS.join(", ")})`);
  const shards = count(values.shards, "--shards");
  const entries = readRepoList(positionals[0]!, io.cwd);
  const previous = values.previous && existsSync(resolve(io.cwd, values.previous)) ? loadPlan(resolve(io.cwd, values.previous), values.previous) : undefined;
  const result = planShards(entries, shards, { version: VERSION, ...(previous && { previous }) });
  writeFileAtomic(values.output, JSON.stringify(result, null, 1) + "\n", io.cwd);
  if (format) io.stdout.write(renderPlanFormat(result, format));
  const unknown = result.shards.reduce((n, s) => n + s.repositories.filter((r) => !r.sizeKnown).length, 0);
  io.stderr.write(
    `keyfence: fleet plan: ${entries.length} repositories in ${shards} shards (heaviest ${result.imbalance}x the mean${unknown ? `; ${unknown} of unknown size weighed as the median` : ""}${previous ? `; ${result.kept} kept their shard, ${result.placed} placed` : ""}); written to ${values.output}\n`,
  );
  return 0;
}

function shardOf(values: { plan?: string; repos?: string; shard?: string }, io: CliIO): { index: number; shards: number; repos: PlannedRepo[] } {
  if (values.shard === undefined) throw usageError("fleet scan needs --shard");
  let p: FleetPlan;
  let index: number;
  if (values.plan !== undefined) {
    if (values.repos !== undefined) throw usageError("give --plan or --repos, not both");
    index = count(values.shard, "--shard");
    p = loadPlan(resolve(io.cwd, values.plan), values.plan);
  } else if (values.repos !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m) throw usageError("with --repos, --shard is I/N (shard I, from 0, of N)");
    index = Number(m[1]);
    p = planShards(readRepoList(values.repos, io.cwd), Number(m[2]), { version: VERSION });
  } else {
    throw usageError("fleet scan needs --plan plan.json or --repos REPOS");
  }
  const shard = p.shards[index];
  if (!shard) throw usageError(`shard ${index} does not exist (the plan has ${p.shards.length}, numbered from 0)`);
  return { index, shards: p.shards.length, repos: shard.repositories };
}

async function scan(args: string[], io: CliIO): Promise<number> {
  const { values } = parse("fleet scan", args, SCAN_OPTIONS, false);
  if (!values.out) throw usageError("fleet scan needs --out DIR");
  const { index, shards, repos } = shardOf(values, io);
  const outDir = resolve(io.cwd, values.out);
  const { config } = resolveConfig(io.cwd, values.config && resolve(io.cwd, values.config));
  // Rules are loaded and compiled only when a repository needs scanning: an unchanged shard never
  // pays for it (its settings digest names the rules without loading them, checkpoint.ts).
  // Every shard must fingerprint with the same key, or the merge cannot count a credential once.
  const key = resolveFingerprintKey(io.cwd, io.env);
  const keyWarning = shardKeyWarning(key, shards);
  if (keyWarning) io.stderr.write(keyWarning);
  let scanner: Scanner | undefined;
  const summary = await scanShard(() => (scanner ??= createScanner({ config, rules: rulesForConfig(config), fingerprintKey: key.key })), repos, {
    shard: index,
    outDir,
    mirrorDir: values.mirrors ? resolve(io.cwd, values.mirrors) : resolve(outDir, "mirrors"),
    env: io.env,
    tool: TOOL,
    settings: scanSettingsDigest(config, VERSION, key.id),
    fingerprintKey: { id: key.id, source: key.source },
    include: config.include,
    exclude: config.exclude,
    ...(!values.quiet && {
      onRepo: (o) => io.stderr.write(`keyfence: fleet scan: ${o.status.padEnd(10)} ${JSON.stringify(o.id).slice(1, -1)}${o.status === "ok" || o.status === "incomplete" ? ` (${o.commits} commits, ${o.findings} findings, ${o.durationMs} ms)` : ""}${o.error ? `: ${JSON.stringify(o.error).slice(1, -1)}` : ""}\n`),
    }),
  });
  writeFileAtomic(resolve(outDir, `shard-${index}.json`), JSON.stringify(summary, null, 1) + "\n", io.cwd);
  io.stderr.write(
    `keyfence: fleet scan: shard ${index}: ${summary.repositories} repositories, ${summary.scanned} scanned, ${summary.unchanged} unchanged, ${summary.failed} failed, ${summary.incomplete} incomplete; ${summary.findings} findings in ${(summary.durationMs / 1000).toFixed(1)} s; peak memory ${Math.round(summary.maxRssKiB / 1024)} MB\n`,
  );
  return summary.failed || summary.incomplete ? 2 : 0;
}

async function merge(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse("fleet merge", args, MERGE_OPTIONS, true);
  if (!positionals.length) throw usageError("fleet merge needs at least one folder of shard results");
  const outputs = values.output ?? [];
  if (!outputs.length) throw usageError("fleet merge needs --output FILE");
  const failOn = values["fail-on"] ?? "never";
  if (failOn !== "never" && !isSeverity(failOn)) throw usageError(`unknown severity "${failOn}"`);
  const forced = values.format as MergeFormat | undefined;
  if (forced !== undefined && !MERGE_FORMATS.includes(forced)) throw usageError(`unknown format "${forced}" (use ${MERGE_FORMATS.join(", ")})`);
  const plans = outputs.map((file) => {
    const format = formatOfFile(file) ?? forced;
    if (!format) throw usageError(`cannot tell the format of ${file} from its extension: add --format`);
    return { file, format };
  });
  const results = loadResults(positionals, io.cwd);
  const org = orgReportOf(results, TOOL);
  const keyWarning = mergeKeyWarning(results);
  if (keyWarning) io.stderr.write(keyWarning);
  for (const p of plans) writeFileAtomic(p.file, renderMerged(p.format, results, org, TOOL), io.cwd);
  io.stderr.write(`keyfence: fleet merge: ${results.length} repositories (${org.notScanned} not scanned in full), ${org.credentials.length} distinct credentials; written to ${outputs.join(", ")}\n`);
  if (org.notScanned) return 2;
  return org.credentials.some((c) => blocks(c.severity, failOn as FailOn)) ? 1 : 0;
}

export const fleetCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === "plan") return plan(rest, io);
    if (sub === "scan") return scan(rest, io);
    if (sub === "merge") return merge(rest, io);
    if (sub === "--help" || sub === "-h") {
      io.stdout.write(USAGE + "\n");
      return 0;
    }
    throw usageError(sub === undefined ? "say plan, scan or merge" : `unknown sub-command "${sub}"`);
  },
};
