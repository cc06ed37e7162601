// createScanner: the public entry point that wires rules → engine → policy over any source.
// It holds no global state: two scanners with different rules can run side by side.
import { Engine } from "./engine/engine.js";
import { compileRule } from "./engine/compile.js";
import { loadBuiltinRules, loadRulePacks } from "./rules/load.js";
import { createPolicy, type Policy } from "./policy/policy.js";
import { walkPaths, type FileSourceOptions, type SourceNotice } from "./sources/files.js";
import { scanEntries } from "./sources/pool.js";
import type { FileScanEvent } from "./sources/file-scan.js";
import type { Config, FailOn } from "./config/config.js";
import type { Finding, Rule, ScanTarget } from "./types.js";

/** A single file may take this long before it is reported as not fully scanned. */
export const DEFAULT_FILE_TIMEOUT_SECONDS = 60;

export interface ScannerOptions {
  /** Rules to use; default: the built-in packs plus `config.rulePacks`, minus `config.disableRules`. */
  rules?: readonly Rule[];
  config?: Config;
  failOn?: FailOn;
}

export interface ScanFilesOptions extends FileSourceOptions {
  /** Base for relative paths in findings (default: process.cwd()). */
  cwd?: string;
  /** Called for skipped or unreadable files. */
  onNotice?: (notice: SourceNotice) => void;
  /** Called for each file that is read for scanning. */
  onFile?: (file: { path: string; size: number }) => void;
  /** Threads that scan files: 1 scans on the calling thread; default one per core. Small walks never start workers. */
  jobs?: number;
  /** Walk size below which no worker is started (default 256 files and 8 MiB); for tests. */
  pool?: { minFiles?: number; minBytes?: number };
}

export interface Scanner {
  readonly rules: readonly Rule[];
  readonly policy: Policy;
  /** Findings in one buffer or string, after policy. */
  scanBuffer(data: Buffer | string, target?: Partial<ScanTarget>): Finding[];
  /** Findings in a stream of chunks, yielded as soon as they are certain. */
  scanStream(chunks: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, target?: Partial<ScanTarget>): AsyncGenerator<Finding>;
  /** Findings in files and folders (folders walked with .gitignore honoured). */
  scanFiles(paths: readonly string[], options?: ScanFilesOptions): AsyncGenerator<Finding>;
  /** A push-style session (findings after policy), for sources that own a read loop such as git pipes. */
  session(target: Partial<ScanTarget>, emit: (f: Finding) => void): ScannerSession;
}

export interface ScannerSession {
  push(chunk: Buffer): void;
  end(): void;
}

/** Resolves which rules a configuration asks for. */
export function rulesForConfig(config: Config = {}): Rule[] {
  const base = config.builtinRules === false ? [] : loadBuiltinRules();
  const extra = config.rulePacks?.length ? loadRulePacks(config.rulePacks) : [];
  const disabled = new Set(config.disableRules ?? []);
  return [...base, ...extra].filter((r) => !disabled.has(r.id));
}

function targetOf(t: Partial<ScanTarget> | undefined): ScanTarget {
  return { ...t, path: t?.path ?? "-" };
}

export function createScanner(options: ScannerOptions = {}): Scanner {
  const config = options.config ?? {};
  const rules = options.rules ? [...options.rules] : rulesForConfig(config);
  // Rule sets compile regexes on first use; rules handed in directly are checked here, up front.
  if (options.rules) rules.forEach(compileRule);
  const stopwords = (config.allowlist?.stopwords ?? []).map((s) => s.toLowerCase());
  // Pool workers build their engines from the same rules and options (they must be structured-cloneable).
  const session = { stopwords, timeLimitMs: (config.fileTimeoutSeconds ?? DEFAULT_FILE_TIMEOUT_SECONDS) * 1000 };
  const engine = new Engine(rules, session);
  const policy = createPolicy(config, { failOn: options.failOn });
  const keep = (f: Finding): Finding[] => policy.apply(f);

  return {
    rules,
    policy,
    scanBuffer(data, target) {
      const buf = typeof data === "string" ? Buffer.from(data) : data;
      return engine.scanBuffer(buf, targetOf(target)).flatMap(keep);
    },
    async *scanStream(chunks, target) {
      for await (const f of engine.scanStream(chunks, targetOf(target))) {
        yield* keep(f);
      }
    },
    session(target, emit) {
      return engine.session(targetOf(target), (f) => {
        for (const out of keep(f)) emit(out);
      });
    },
    async *scanFiles(paths, opts = {}) {
      const cwd = opts.cwd ?? process.cwd();
      const findingsOf = (path: string, ev: FileScanEvent): Finding[] => {
        if (!("notice" in ev)) return keep(ev.finding);
        opts.onNotice?.({ path, ...ev.notice });
        return [];
      };
      // The walk's notices come with the file they precede (FileEntry.before); any after the last file end here.
      const notices: SourceNotice[] = [];
      const fileOpts: FileSourceOptions = {
        gitignore: opts.gitignore ?? config.gitignore,
        include: opts.include ?? config.include,
        exclude: opts.exclude ?? config.exclude,
        maxFileSize: opts.maxFileSize ?? config.maxFileSize,
      };
      const entries = walkPaths(paths, cwd, fileOpts, notices);
      // Parallel when the walk is large enough (src/sources/pool.ts); results come back in walk order.
      const scanned = scanEntries(engine, entries, { jobs: opts.jobs, init: { rules, session }, ...opts.pool });
      for await (const files of scanned) {
        for (const { entry, events } of files) {
          for (const n of entry.before ?? []) opts.onNotice?.(n);
          opts.onFile?.({ path: entry.rel, size: entry.size });
          // Most files' events are already an array: iterated without a promise per event.
          if (Array.isArray(events)) for (const ev of events) yield* findingsOf(entry.rel, ev);
          else for await (const ev of events) yield* findingsOf(entry.rel, ev);
        }
      }
      for (const n of notices) opts.onNotice?.(n);
    },
  };
}
