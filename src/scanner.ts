// createScanner: the public entry point that wires rules → engine → policy over any source.
// It holds no global state: two scanners with different rules can run side by side.
import { Engine } from "./engine/engine.js";
import { loadBuiltinRules, loadRulePacks } from "./rules/load.js";
import { createPolicy, type Policy } from "./policy/policy.js";
import { readForScan, walkPaths, type FileSourceOptions, type SourceNotice } from "./sources/files.js";
import type { Config, FailOn } from "./config/config.js";
import type { Finding, Rule, ScanTarget } from "./types.js";

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
  /** Files read ahead while the engine works on the current one. */
  readAhead?: number;
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

/** Keeps `ahead` reads in flight, yielding results in input order. */
async function* readAheadInOrder<T, R>(items: AsyncIterable<T>, ahead: number, read: (item: T) => Promise<R>): AsyncGenerator<[T, R | Error]> {
  const queue: [T, Promise<R | Error>][] = [];
  for await (const item of items) {
    queue.push([item, read(item).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))]);
    if (queue.length >= ahead) {
      const [it, p] = queue.shift()!;
      yield [it, await p];
    }
  }
  while (queue.length) {
    const [it, p] = queue.shift()!;
    yield [it, await p];
  }
}

export function createScanner(options: ScannerOptions = {}): Scanner {
  const config = options.config ?? {};
  const rules = options.rules ? [...options.rules] : rulesForConfig(config);
  const stopwords = (config.allowlist?.stopwords ?? []).map((s) => s.toLowerCase());
  const engine = new Engine(rules, { stopwords });
  const policy = createPolicy(config, { failOn: options.failOn });
  const keep = (f: Finding): Finding | undefined => policy.apply(f);

  return {
    rules,
    policy,
    scanBuffer(data, target) {
      const buf = typeof data === "string" ? Buffer.from(data) : data;
      return engine.scanBuffer(buf, targetOf(target)).flatMap((f) => keep(f) ?? []);
    },
    async *scanStream(chunks, target) {
      for await (const f of engine.scanStream(chunks, targetOf(target))) {
        const out = keep(f);
        if (out) yield out;
      }
    },
    session(target, emit) {
      return engine.session(targetOf(target), (f) => {
        const out = keep(f);
        if (out) emit(out);
      });
    },
    async *scanFiles(paths, opts = {}) {
      const cwd = opts.cwd ?? process.cwd();
      const notices: SourceNotice[] = [];
      const flushNotices = () => {
        for (const n of notices.splice(0)) opts.onNotice?.(n);
      };
      const fileOpts: FileSourceOptions = {
        gitignore: opts.gitignore ?? config.gitignore,
        include: opts.include ?? config.include,
        exclude: opts.exclude ?? config.exclude,
        maxFileSize: opts.maxFileSize ?? config.maxFileSize,
      };
      const entries = walkPaths(paths, cwd, fileOpts, notices);
      for await (const [entry, content] of readAheadInOrder(entries, opts.readAhead ?? 4, readForScan)) {
        flushNotices();
        opts.onFile?.({ path: entry.rel, size: entry.size });
        if (content instanceof Error) {
          const code = (content as NodeJS.ErrnoException).code;
          opts.onNotice?.({ path: entry.rel, reason: `cannot read (${code ?? content.message})`, incomplete: true });
          continue;
        }
        if (content.kind === "binary") {
          opts.onNotice?.({ path: entry.rel, reason: "binary file skipped", incomplete: false });
          continue;
        }
        const target = { path: entry.rel };
        if (content.kind === "buffer") {
          for (const f of engine.scanBuffer(content.data, target)) {
            const out = keep(f);
            if (out) yield out;
          }
          continue;
        }
        try {
          const chunks = (async function* () {
            yield content.head;
            yield* content.rest;
          })();
          for await (const f of engine.scanStream(chunks, target)) {
            const out = keep(f);
            if (out) yield out;
          }
        } catch (err) {
          opts.onNotice?.({ path: entry.rel, reason: `read failed mid-file (${(err as NodeJS.ErrnoException).code ?? "error"})`, incomplete: true });
        }
      }
      flushNotices();
    },
  };
}
