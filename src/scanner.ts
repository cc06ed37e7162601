// createScanner: the public entry point that wires rules → engine → policy over any source, through
// the one orchestrator (src/orchestrator/). It holds no global state: two scanners with different
// rules can run side by side.
import { runKey } from "./finding/run-key.js";
import { Engine } from "./engine/engine.js";
import { pairFindings } from "./pairing/pair.js";
import { pairingPlan } from "./pairing/plan.js";
import { compileRule } from "./engine/compile.js";
import { assertPairReferences, loadBuiltinRules, loadRulePacks } from "./rules/load.js";
import { createPolicy, type Policy } from "./policy/policy.js";
import { fileSource } from "./sources/files.js";
import { Orchestrator, type RunOptions } from "./orchestrator/orchestrator.js";
import type { ScopeOptions } from "./orchestrator/scope.js";
import type { Source, SourceNotice } from "./sources/source.js";
import type { Config, FailOn } from "./config/config.js";
import type { Finding, Rule, ScanTarget } from "./types.js";
import { verifyFindings, type PublicVerifyOutcome, type VerifyOptions } from "./verify/index.js";

/** A single file may take this long before it is reported as not fully scanned. */
export const DEFAULT_FILE_TIMEOUT_SECONDS = 60;

export interface ScannerOptions {
  /**
   * Key of the secrets' digests and so of fingerprints (src/finding/fingerprint-key.ts resolves the
   * repository's). Without one, a random key: fingerprints are then comparable only within this scanner.
   */
  fingerprintKey?: Uint8Array;
  /** Rules to use; default: the built-in packs plus `config.rulePacks`, minus `config.disableRules`. */
  rules?: readonly Rule[];
  config?: Config;
  failOn?: FailOn;
}

export interface ScanFilesOptions extends ScopeOptions {
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
  /**
   * Findings of any sources (src/sources/source.ts), in turn, through the orchestrator: the
   * configuration's scope, the worker pool, line mapping, policy and (with `dedupe`) one report per
   * fingerprint.
   */
  scan(sources: Source | readonly Source[], options?: RunOptions): AsyncGenerator<Finding>;
  /** A push-style session (findings after policy), for sources that own a read loop such as git pipes. */
  session(target: Partial<ScanTarget>, emit: (f: Finding) => void): ScannerSession;
  /**
   * Live verification of findings this scanner produced (docs/verify.md): one read-only request per
   * credential, under this scanner's configuration (`verify: "never"` sends nothing) and rules.
   */
  verify(findings: readonly Finding[], options?: Omit<VerifyOptions, "config" | "rules">): Promise<PublicVerifyOutcome>;
}

export interface ScannerSession {
  push(chunk: Buffer): void;
  end(): void;
}

/** Resolves which rules a configuration asks for. */
export function rulesForConfig(config: Config = {}): Rule[] {
  const base = config.builtinRules === false ? [] : loadBuiltinRules();
  const extra = config.rulePacks?.length ? loadRulePacks(config.rulePacks) : [];
  // A configuration's pack may pair with the built-in rules.
  assertPairReferences(extra, base);
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
  // One fingerprint key for the scanner and its workers; a random one when the caller has none.
  const fingerprintKey = options.fingerprintKey ?? runKey();
  const session = { stopwords, timeLimitMs: (config.fileTimeoutSeconds ?? DEFAULT_FILE_TIMEOUT_SECONDS) * 1000, fingerprintKey };
  const engine = new Engine(rules, session);
  const policy = createPolicy(config, { failOn: options.failOn });
  const keep = (f: Finding): Finding[] => policy.apply(f);
  const pairing = pairingPlan(rules);
  // A buffer, a stream or a session is one scan unit: its findings are paired, then judged.
  const judged = (found: Finding[]): Finding[] => pairFindings(pairing, found).flatMap(keep);
  const orchestrator = new Orchestrator({
    engine,
    init: { rules, session },
    policy,
    pairing,
    scope: { include: config.include, exclude: config.exclude, maxFileSize: config.maxFileSize, gitignore: config.gitignore },
  });

  return {
    rules,
    policy,
    scanBuffer(data, target) {
      const buf = typeof data === "string" ? Buffer.from(data) : data;
      return judged(engine.scanBuffer(buf, targetOf(target)));
    },
    async *scanStream(chunks, target) {
      // Findings that pairing cannot change go out at once; the others (few) wait for the stream's end.
      const held: Finding[] = [];
      for await (const f of engine.scanStream(chunks, targetOf(target))) {
        if (pairing.involved.has(f.ruleId) || pairing.alone.has(f.ruleId)) held.push(f);
        else yield* keep(f);
      }
      yield* judged(held);
    },
    session(target, emit) {
      const held: Finding[] = [];
      const s = engine.session(targetOf(target), (f) => {
        if (pairing.involved.has(f.ruleId) || pairing.alone.has(f.ruleId)) held.push(f);
        else for (const out of keep(f)) emit(out);
      });
      return {
        push: (chunk) => s.push(chunk),
        end: () => {
          s.end();
          for (const out of judged(held.splice(0))) emit(out);
        },
      };
    },
    scan(sources, opts) {
      return orchestrator.run(sources, opts);
    },
    verify(findings, opts = {}) {
      return verifyFindings(findings, { ...opts, config, rules });
    },
    scanFiles(paths, opts = {}) {
      const { cwd, onFile, ...run } = opts;
      return orchestrator.run(fileSource(paths, cwd ?? process.cwd()), { ...run, ...(onFile && { onUnit: onFile }) });
    },
  };
}
