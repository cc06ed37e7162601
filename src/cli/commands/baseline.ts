// `keyfence baseline create|update|prune|check`: accept today's findings on the record (who, why,
// which ticket, until when), then keep that record honest as the code moves on.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { KeyfenceError } from "../../errors.js";
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP, parse } from "../args.js";
import { finishScan, noticePrinter, prepareScan, type PreparedScan } from "../scan-run.js";
import { writeFileAtomic } from "../../io/output-file.js";
import {
  BaselineMatcher,
  DEFAULT_BASELINE_FILE,
  checkBaselineKey,
  dayOf,
  entryFor,
  existsUnder,
  loadBaseline,
  pathUnder,
  serializeBaseline,
  type Baseline,
  type BaselineEntry,
  type EntryReview,
} from "../../policy/baseline.js";
import { migrateBaseline, readFormat1 } from "../../policy/baseline-migrate.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { Finding } from "../../types.js";
import { checkPathsExist, type SourceNotice } from "../../sources/files.js";
import { presentableRecord, safeName } from "../../names/present.js";

const OPTIONS = {
  ...SCAN_OPTIONS,
  file: { type: "string" },
  reviewer: { type: "string" },
  reason: { type: "string" },
  ticket: { type: "string" },
  expires: { type: "string" },
  force: { type: "boolean" },
  "dry-run": { type: "boolean" },
} as const;

const USAGE = `Usage: keyfence baseline create|update|prune|check|migrate [paths…] [options]

Scans paths (default: the current folder; run it from the repository root) and keeps a baseline file
of accepted findings. The file holds fingerprints, digests keyed with the repository's fingerprint key
('keyfence key') and redacted forms only: never a secret, never an unkeyed hash of one.

create   write a baseline with every current finding (refuses to overwrite; --force to replace)
update   add current findings that are not yet accepted; keep existing entries and their review
         notes; entries whose file was renamed follow it. Expired entries are not renewed.
prune    remove entries whose secret is no longer present (--dry-run to only list them)
check    report findings the baseline does not accept, and expired entries (exit 1 if blocking),
         and list stale entries
migrate  convert a baseline of the first format (unkeyed SHA-256 hashes) to keyed digests, keeping
         every entry's review notes; entries whose secret is no longer in the scanned files are dropped

Baseline:
      --file FILE         the baseline (default: the config's "baseline", else ${DEFAULT_BASELINE_FILE})
      --reviewer NAME     recorded on the entries this run adds
      --reason TEXT       why they are acceptable (test fixture, revoked key, …)
      --ticket ID         tracking reference, e.g. SEC-1234
      --expires DATE      last day (YYYY-MM-DD) the acceptance holds; afterwards the finding blocks again
      --force             create: replace an existing file
      --dry-run           prune: list stale entries without changing the file

${SCAN_OPTIONS_HELP}`;

interface Scanned {
  findings: Finding[];
  notices: SourceNotice[];
  stats: { files: number; bytes: number };
}

async function scanPaths(prepared: PreparedScan, paths: string[], io: CliIO, baselineFile: string): Promise<Scanned> {
  checkPathsExist(paths, io.cwd);
  const self = pathUnder(io.cwd, baselineFile);
  const notices: SourceNotice[] = [];
  const stats = { files: 0, bytes: 0 };
  const findings: Finding[] = [];
  const onFile = (f: { size: number }) => {
    stats.files++;
    stats.bytes += f.size;
  };
  for await (const f of prepared.scanner.scanFiles(paths, { cwd: io.cwd, onNotice: noticePrinter(io, notices), onFile })) if (f.path !== self) findings.push(f);
  if (notices.some((n) => n.incomplete)) throw new KeyfenceError("some files could not be read (see warnings above); the baseline was not changed", { subject: "keyfence baseline" });
  return { findings, notices, stats };
}

function reviewFrom(values: { reviewer?: string; reason?: string; ticket?: string; expires?: string }): EntryReview {
  if (values.expires !== undefined) {
    const d = new Date(`${values.expires}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.expires) || Number.isNaN(d.getTime()) || dayOf(d) !== values.expires) {
      throw new KeyfenceError(`invalid date "${values.expires}" (use YYYY-MM-DD)`, { subject: "--expires" });
    }
  }
  return {
    ...(values.reviewer && { reviewer: values.reviewer }),
    ...(values.reason && { reason: values.reason }),
    ...(values.ticket && { ticket: values.ticket }),
    ...(values.expires && { expires: values.expires }),
  };
}

/**
 * An entry as it is printed. Every field came from the baseline file, which anyone with write access
 * to the repository (or a pull request) can edit: a name like any other, scrubbed and escaped.
 */
function describeEntry(entry: BaselineEntry): string {
  const e = presentableRecord(entry);
  const notes = [e.reviewer && `reviewer ${e.reviewer}`, e.ticket && `ticket ${e.ticket}`, e.expires && `expires ${e.expires}`].filter(Boolean).join(", ");
  return `${e.path}  ${e.ruleId}  ${e.redacted ?? e.fingerprint}${notes ? `  (${notes})` : ""}`;
}

export const baselineCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parse("baseline", args, OPTIONS, true);
    const [action, ...rest] = positionals;
    if (!action) {
      io.stdout.write(USAGE + "\n");
      return 2;
    }
    if (!["create", "update", "prune", "check", "migrate"].includes(action)) {
      throw new KeyfenceError(`unknown action "${action}" (use create, update, prune, check or migrate)`, { subject: "keyfence baseline" });
    }
    const review = reviewFrom(values);
    const paths = rest.length ? rest : ["."];
    // The baseline being written must not filter the scan that writes it.
    const prepared = prepareScan(values, io, { useBaseline: false });
    const file = values.file ? resolve(io.cwd, values.file) : (prepared.config.baseline ?? resolve(io.cwd, DEFAULT_BASELINE_FILE));
    const today = dayOf(new Date());
    const matcherFor = (b: Baseline) => new BaselineMatcher(b, { today, exists: existsUnder(io.cwd) });
    // The baseline's own file name is a name too.
    const say = (s: string) => io.stderr.write(`keyfence: ${safeName(s)}\n`);

    if (action === "create") {
      if (existsSync(file) && !values.force) throw new KeyfenceError("baseline exists; use 'keyfence baseline update', or --force to replace it", { file });
      const { findings } = await scanPaths(prepared, paths, io, file);
      const entries = dedupe(findings.map((f) => entryFor(f, review, today)));
      writeFileAtomic(file, serializeBaseline({ version: 2, keyId: prepared.key.id, entries }), io.cwd);
      say(`baseline ${file}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"} written.`);
      return 0;
    }

    if (action === "migrate") {
      const old = readFormat1(file);
      const { findings } = await scanPaths(prepared, paths, io, file);
      const { baseline, kept, dropped } = migrateBaseline(old, findings, prepared.key.id);
      writeFileAtomic(file, serializeBaseline(baseline), io.cwd);
      say(`baseline ${file}: converted to keyed digests (key ${prepared.key.id}): ${kept} entr${kept === 1 ? "y" : "ies"} kept, ${dropped} whose secret is no longer in the scanned files dropped.`);
      return 0;
    }

    const baseline = loadBaseline(file);
    checkBaselineKey(file, baseline, prepared.key);
    if (action === "update") {
      const { findings } = await scanPaths(prepared, paths, io, file);
      const matcher = matcherFor(baseline);
      const moved = new Map<BaselineEntry, BaselineEntry>();
      const added: BaselineEntry[] = [];
      for (const f of findings) {
        const v = matcher.judge(f);
        if (v.kind === "new") added.push(entryFor(f, review, today));
        else if (v.kind === "accepted" && v.renamedFrom !== undefined) moved.set(v.entry, { ...v.entry, path: f.path, fingerprint: f.fingerprint });
      }
      const entries = dedupe([...baseline.entries.map((e) => moved.get(e) ?? e), ...added]);
      writeFileAtomic(file, serializeBaseline({ version: 2, keyId: prepared.key.id, entries }), io.cwd);
      say(`baseline ${file}: ${added.length} added, ${moved.size} followed a rename, ${baseline.entries.length} kept.`);
      return 0;
    }

    if (action === "prune") {
      const { findings } = await scanPaths(prepared, paths, io, file);
      const matcher = matcherFor(baseline);
      for (const f of findings) matcher.judge(f);
      const stale = new Set(matcher.stale());
      for (const e of stale) io.stdout.write(`stale: ${describeEntry(e)}\n`);
      if (!values["dry-run"] && stale.size) writeFileAtomic(file, serializeBaseline({ ...baseline, entries: baseline.entries.filter((e) => !stale.has(e)) }), io.cwd);
      say(`baseline ${file}: ${stale.size} stale entr${stale.size === 1 ? "y" : "ies"}${values["dry-run"] ? " (dry run: file unchanged)" : stale.size ? " removed" : ""}.`);
      return 0;
    }

    // check: the same report a scan with --baseline gives, plus the state of the record itself.
    const checked = prepareScan({ ...values, baseline: file }, io);
    const scanned = await scanPaths(checked, paths, io, file);
    const code = await finishScan(checked, { findings: (async function* () { yield* scanned.findings; })(), notices: scanned.notices, stats: scanned.stats, command: "baseline check" }, values, io);
    const matcher = checked.baseline!.matcher;
    const expired = baseline.entries.filter((e) => e.expires !== undefined && e.expires < today);
    for (const e of expired) say(`expired: ${describeEntry(e)}`);
    for (const e of matcher.stale()) say(`stale (run 'keyfence baseline prune'): ${describeEntry(e)}`);
    const unreviewed = baseline.entries.filter((e) => !e.reason).length;
    if (unreviewed) say(`${unreviewed} entr${unreviewed === 1 ? "y has" : "ies have"} no reason recorded.`);
    return code;
  },
};

function dedupe(entries: BaselineEntry[]): BaselineEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.fingerprint) ? false : (seen.add(e.fingerprint), true)));
}
