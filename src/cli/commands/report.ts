// `keyfence report`: the rotation report over a history scan, as Markdown or a self-contained HTML
// page, for a security lead to hand to an auditor. It runs the history scan itself, or reads the
// JSON a previous `keyfence history --format json` wrote (--from).
import { basename, resolve } from "node:path";
import { buildRotationReport, placeKey, type Place, type RotationScope } from "../../report/rotation/model.js";
import { digestOf, repositoryName, rulesDigest, safeRemote } from "../../report/rotation/scope.js";
import { runGit } from "../../sources/git/process.js";
import { nodeCrypto } from "../../deferred-imports.js";
import { readFileSync } from "node:fs";
import type { Finding } from "../../types.js";
import { renderRotationMarkdown } from "../../report/rotation/markdown.js";
import { renderRotationHtml } from "../../report/rotation/html.js";
import { loadHistoryJson } from "../../report/rotation/from-json.js";
import { historyNameFindings, scanHistory } from "../../orchestrator/git.js";
import { historyNames } from "../../sources/git/names.js";
import type { HistoryFinding } from "../../finding/exposure.js";
import type { GitScanSummary } from "../../sources/git/index.js";
import { openRepo, asUserError } from "../../sources/git/repo.js";
import { KeyfenceError } from "../../errors.js";
import { presentableRecord, safeName } from "../../names/present.js";
import { TOOL } from "../../version.js";
import { parse } from "../args.js";
import { prepareScan, noticePrinter } from "../scan-run.js";
import { countCommits, revisionArgs, startProgress } from "../progress.js";
import { writeFileAtomic } from "../../io/output-file.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { SourceNotice } from "../../sources/source.js";

const OPTIONS = {
  from: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  config: { type: "string", short: "c" },
  "as-of": { type: "string" },
  since: { type: "string" },
  repository: { type: "string" },
  "report-info": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const RENDERERS = { markdown: renderRotationMarkdown, html: renderRotationHtml } as const;

const USAGE = `Usage: keyfence report [options]

A credential exposure and rotation report over the whole history (every ref), for a security lead
or an auditor: each credential ever committed (redacted), its provider and severity, the commit,
author and date that first exposed it, its age against the rotation window of its severity, whether
HEAD still holds it, the provider's revoke/rotate page, the incident-response checklist (revoke,
replace in the secret manager, deploy, verify, log) and the compliance controls it bears on, with a
summary by severity and by age.

      --from FILE          read a saved 'keyfence history --format json' instead of scanning
  -f, --format FORMAT      markdown (default) or html (one self-contained page: inline CSS and SVG charts)
  -o, --output FILE        write the report to FILE (atomically) instead of stdout
      --as-of DATE         measure exposure up to DATE (YYYY-MM-DD, e.g. a quarter end; default: now)
      --since DATE         scan only commits after DATE
      --repository NAME    name shown in the report (default: the name in the remote's address, else the folder's)
  -c, --config FILE        configuration (rule packs, excludes) for the scan
      --report-info        include public-by-design keys
  -q, --quiet              no summary line on stderr when writing to a file
      --progress           a progress line on stderr even off a terminal or in CI (--no-progress: none)
  -h, --help               this help

Exit codes: 0 report written (a report is not a gate: use 'keyfence history' or 'ci' to block);
2 usage, configuration or runtime error, or a scan that could not read everything.`;

function asOfDate(value: string | undefined): Date {
  if (value === undefined) return new Date();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T23:59:59Z`))) throw new KeyfenceError(`"${value}" is not a date (use YYYY-MM-DD)`, { subject: "--as-of" });
  // The whole day counts: exposure is measured to its end.
  return new Date(`${value}T23:59:59Z`);
}

/** The repository facts of the scope block, asked of git; a fact git cannot give is left out, not guessed. */
async function repositoryFacts(cwd: string, env: NodeJS.ProcessEnv): Promise<Pick<RotationScope, "remote" | "head" | "refs" | "shallow">> {
  const out = async (args: string[]) => {
    const r = await runGit(args, { cwd, env, okCodes: [1, 2, 128] });
    return r.code === 0 ? r.stdout.toString("utf8").trim() : undefined;
  };
  const remotes = (await out(["remote"]))?.split("\n").filter(Boolean) ?? [];
  const name = remotes.includes("origin") ? "origin" : remotes[0];
  const url = name ? await out(["remote", "get-url", "--", name]) : undefined;
  const head = await out(["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  const refs = (await out(["for-each-ref", "--format=%(refname)"]))?.split("\n").filter(Boolean) ?? [];
  const shallow = await out(["rev-parse", "--is-shallow-repository"]);
  const SHOWN = 12;
  return {
    ...(url && { remote: safeRemote(url) }),
    ...(head && { head }),
    refs: { count: refs.length, names: refs.slice(0, SHOWN) },
    ...(shallow !== undefined && { shallow: shallow === "true" }),
  };
}


export const reportCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse("report", args, OPTIONS, false);
    const format = values.format ?? "markdown";
    if (format !== "markdown" && format !== "html") throw new KeyfenceError(`unknown format "${format}" (use markdown or html)`, { subject: "--format" });
    const asOf = asOfDate(values["as-of"]);
    const notices: SourceNotice[] = [];
    let findings: HistoryFinding[];
    let repository = values.repository;
    let scope: RotationScope;
    const places = new Map<string, Place[]>();
    if (values.from !== undefined) {
      if (values.since !== undefined) throw new KeyfenceError("--since applies to a scan, not to a saved one (--from)", { subject: "--since" });
      const file = resolve(io.cwd, values.from);
      findings = loadHistoryJson(file);
      repository ??= basename(io.cwd);
      scope = { source: `saved history file ${values.from} (sha256:${nodeCrypto().createHash("sha256").update(readFileSync(file)).digest("hex")}); repository facts were not recorded in it`, generatedAt: new Date().toISOString(), toolVersion: TOOL.version };
    } else {
      const { scanner, config } = prepareScan({ ...(values.config && { config: values.config }), ...(values["report-info"] && { "report-info": true }) }, io, { useBaseline: false });
      let root: string | undefined;
      try {
        root = (await openRepo({ cwd: io.cwd, env: io.env })).root;
      } catch (err) {
        throw asUserError(err, io.cwd);
      }
      const facts = await repositoryFacts(io.cwd, io.env);
      repository ??= repositoryName(facts.remote, basename(root ?? io.cwd));
      scope = {
        ...facts,
        source: `history scan of every ref${values.since !== undefined ? ` (commits since ${values.since})` : ""}`,
        generatedAt: new Date().toISOString(),
        toolVersion: TOOL.version,
        configDigest: digestOf(config),
        rules: rulesDigest(scanner.rules),
      };
      findings = [];
      const summary: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
      const onOccurrence = (f: Finding) => {
        const key = placeKey(f.ruleId, f.secretDigest);
        const list = places.get(key) ?? [];
        // Paths and authors are names from the repository: shown only scrubbed and escaped.
        list.push(presentableRecord({ ruleId: f.ruleId, path: f.path, line: f.line, ...(f.commit && { commit: f.commit }), ...(f.author && { author: f.author }), ...(f.date && { date: f.date }) }));
        places.set(key, list);
      };
      const options = { cwd: io.cwd, env: io.env, now: asOf, onOccurrence, ...(values.since !== undefined && { since: values.since }) };
      const progress = startProgress(values, io, "keyfence report", "commits");
      if (progress) await progress.totalFrom(countCommits(io.cwd, io.env, revisionArgs({ all: true, since: values.since })));
      const onCommit = progress ? { onCommit: (_c: unknown, s: GitScanSummary) => progress.set(s.commits, s.bytes) } : {};
      // The names `history` scans (commit and tag messages, authors, paths, refs), read alongside.
      const names = historyNames({ cwd: io.cwd, env: io.env, ...(values.since !== undefined && { since: values.since }) });
      names.catch(() => {});
      try {
        for await (const f of scanHistory(scanner, { ...options, ...onCommit }, noticePrinter(io, notices, { all: true }), summary)) findings.push(f);
      } finally {
        progress?.finish();
      }
      findings.push(...(await historyNameFindings(scanner, await names, findings, notices, { cwd: io.cwd, env: io.env, now: asOf, onOccurrence })));
    }
    const limitations = notices.map((n) => `${safeName(n.path)}: ${safeName(n.reason)}`);
    // Names from history (paths, authors, refs, the remote) and from a saved file are shown only scrubbed and escaped.
    const shownScope: RotationScope = {
      ...scope,
      ...(scope.remote !== undefined && { remote: safeName(scope.remote) }),
      ...(scope.refs && { refs: { count: scope.refs.count, names: scope.refs.names.map((n) => safeName(n)) } }),
      source: safeName(scope.source),
    };
    const report = buildRotationReport(findings.map((f) => presentableRecord(f)), { repository: safeName(repository), asOf, limitations, places, scope: shownScope });
    const rendered = RENDERERS[format](report, TOOL);
    if (values.output) {
      writeFileAtomic(values.output, rendered, io.cwd);
      if (!values.quiet) io.stderr.write(`keyfence report: ${report.items.length} credentials, ${report.overdue} overdue, ${report.presentAtHead} at HEAD. Report written to ${values.output}.\n`);
    } else {
      io.stdout.write(rendered);
    }
    return notices.some((n) => n.incomplete) ? 2 : 0;
  },
};
