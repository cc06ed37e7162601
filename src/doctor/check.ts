// The shape every doctor check returns: a verdict, what was seen, and the exact fix. Checks are
// independent functions of the repository, so each can be tested and reasoned about alone.

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
