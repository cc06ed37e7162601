// The shape every doctor check returns: a verdict, what was seen, and the exact fix. Checks are
// independent functions of the repository, so each can be tested and reasoned about alone.
import { isAbsolute, relative } from "node:path";
import { KeyfenceError } from "../errors.js";

export type CheckStatus = "pass" | "warn" | "fail";

export interface CheckResult {
  /** Stable id for dashboards (JSON), e.g. "secret-files-tracked". */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, one fact per line (paths, settings); never a secret value. */
  found: string[];
  /** The command or line that fixes it; absent when the check passes. */
  fix?: string;
}

export interface DoctorContext {
  /** Where doctor was started. */
  cwd: string;
  /** Top of the work tree. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Today as YYYY-MM-DD (UTC), for baseline expiries. */
  today: string;
  /** --config FILE, absolute, when given. */
  configFile?: string;
}

export type Check = (ctx: DoctorContext) => Promise<CheckResult | CheckResult[]>;

/** A word for a shell command line: quoted only when it needs to be. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** At most `n` items, then "… and N more", so a report stays readable on a large repository. */
export function listed(items: string[], n = 10): string[] {
  return items.length <= n ? items : [...items.slice(0, n), `… and ${items.length - n} more`];
}

/** A path as the report shows it: relative to the repository root when inside it. */
export function shown(root: string, file: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** A KeyfenceError's one line, with its file relative to the repository root. */
export function errorLine(err: KeyfenceError, root: string): string {
  return new KeyfenceError(err.message, { ...(err.file && { file: shown(root, err.file) }), ...(err.line && { line: err.line }), ...(err.subject && { subject: err.subject }) }).format();
}
