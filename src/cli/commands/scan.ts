import { KeyfenceError } from "../../errors.js";
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP, parse } from "../args.js";
import { finishScan, noticePrinter, prepareScan } from "../scan-run.js";
import { endingProgress, startProgress } from "../progress.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import { checkPathsExist, fileSource } from "../../sources/files.js";
import { streamSource } from "../../sources/stdin.js";
import type { Source, SourceNotice } from "../../sources/source.js";
import type { Finding } from "../../types.js";
import type { Name } from "../../names/name-findings.js";

const OPTIONS = {
  ...SCAN_OPTIONS,
  include: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "no-gitignore": { type: "boolean" },
  "max-file-size": { type: "string" },
  "stdin-name": { type: "string" },
  jobs: { type: "string", short: "j" },
} as const;

const USAGE = `Usage: keyfence scan [paths…] [options]

Scans files and folders (default: the current folder). Inside a git work tree, untracked files that
git ignores (.gitignore, .git/info/exclude) are skipped and counted, and tracked files are always
scanned; outside one, .gitignore files do not apply (ripgrep's rule). Symbolic links are never
followed; binary files are scanned for their printable runs; archives
(zip, jar, war, apk, whl, nupkg, tar, tar.gz, tgz, gz), Jupyter notebooks and container images
(docker save / OCI tarballs, OCI layout folders) are opened; named pipes, /dev/stdin and <(…) given
as arguments are read as streams. '-' reads standard input.

Sources:
      --include GLOB      only scan paths matching GLOB (repeatable)
      --exclude GLOB      skip paths matching GLOB (repeatable)
      --no-gitignore      also scan untracked files that git ignores
      --max-file-size N   binary files larger than N bytes are not scanned (reported; the scan is
                          incomplete); text files of any size are streamed (suffixes k, m, g; default 50m)
      --stdin-name NAME   path to show for findings read from standard input (default '-')
  -j, --jobs N            threads that scan files (default: one per core; 1 = no worker threads)

${SCAN_OPTIONS_HELP}

Examples:
  keyfence scan                           # the current folder
  keyfence scan src config --format sarif --output keyfence.sarif
  cat .env | keyfence scan - --stdin-name .env`;

/** A size limit that means something: at least one byte, at most what a file offset can hold. */
function parseSize(text: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  if (!m) throw new Error(`invalid size "${text}" (use a whole number of bytes, with k, m or g)`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  const size = Number(m[1]) * mult;
  // 0 would skip every file and report "No secrets found": a limit that disables the scan is a usage error.
  if (size < 1) throw new Error(`a size limit of ${text} would skip every file (use at least 1 byte)`);
  if (!Number.isSafeInteger(size)) throw new Error(`size "${text}" is too large`);
  return size;
}

export const scanCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parse("scan", args, OPTIONS, true);
    let maxFileSize: number | undefined;
    if (values["max-file-size"] !== undefined) {
      try {
        maxFileSize = parseSize(values["max-file-size"]);
      } catch (err) {
        throw new KeyfenceError((err as Error).message, { subject: "--max-file-size" });
      }
    }
    let jobs: number | undefined;
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new KeyfenceError(`invalid number of jobs "${values.jobs}" (use a whole number from 1 to 256)`, { subject: "--jobs" });
    }
    const prepared = prepareScan(values, io, { discoverBaseline: true });
    const paths = positionals.length ? positionals : ["."];
    const notices: SourceNotice[] = [];
    const stats: { files: number; bytes: number; ignored?: number } = { files: 0, bytes: 0 };
    // Folders have no cheap total (the walk is the scan): files, bytes and rate, no ETA.
    const progress = startProgress(values, io, "keyfence scan", "files");
    const onNotice = noticePrinter(io, notices);
    const sources: Source[] = [];
    // Every unit's name (and --stdin-name) is scanned as text too: a token used as a file name.
    const names: Name[] = [];
    const filePaths = paths.filter((p) => p !== "-");
    checkPathsExist(filePaths, io.cwd);
    if (paths.includes("-")) {
      const counted = (async function* () {
        for await (const chunk of io.stdin) {
          const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
          stats.bytes += buf.length;
          progress?.add(0, buf.length);
          yield buf;
        }
      })();
      sources.push(streamSource(counted, values["stdin-name"] ?? "-"));
    }
    const files = filePaths.length ? fileSource(filePaths, io.cwd) : undefined;
    if (files) sources.push(files);
    const scanned = prepared.scanner.scan(sources, {
      onNotice,
      onUnit: (u) => {
        if (u.path !== "-") names.push({ kind: paths.includes("-") && u.path === values["stdin-name"] ? "standard input name" : "file name", value: u.path, target: { path: u.path } });
        stats.files++;
        stats.bytes += u.size;
        progress?.add(1, u.size);
      },
      ...(values.include && { include: values.include }),
      ...(values.exclude && { exclude: values.exclude }),
      ...(values["no-gitignore"] && { gitignore: false }),
      ...(maxFileSize !== undefined && { maxFileSize }),
      ...(jobs !== undefined && { jobs }),
    });
    async function* findings(): AsyncGenerator<Finding> {
      yield* scanned;
      // Once the walk is done: how many untracked paths it skipped because git ignores them.
      if (files) stats.ignored = files.tally.ignored;
    }
    return finishScan(prepared, { findings: endingProgress(findings(), progress), notices, stats, command: "scan", names }, values, io);
  },
};
