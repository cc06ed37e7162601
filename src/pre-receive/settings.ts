// The hook's settings belong to the server, never to what is pushed: flags on the hook's command
// line first, then the bare repository's git config (keyfence.preReceive.*), then defaults. A
// repository's own keyfence.config.* is pushed content, so it is not read here.
import { KeyfenceError } from "../errors.js";
import { runGit } from "../sources/git/process.js";

export type TimeoutPolicy = "reject" | "accept";

export interface PreReceiveSettings {
  /** Whole hook time in milliseconds, from keyfence's start to its answer. */
  budgetMs: number;
  onTimeout: TimeoutPolicy;
  config?: string;
  auditLog?: string;
  failOn?: string;
}

/** GitHub Enterprise Server kills a pre-receive hook after 5 s; stay under it by default. */
export const DEFAULT_BUDGET_SECONDS = 4.5;

export interface SettingFlags {
  budget?: string;
  "on-timeout"?: string;
  config?: string;
  "audit-log"?: string;
  "fail-on"?: string;
}

async function gitConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  // `keyfence.preReceive.budget` is a subsection, which git keeps case-sensitive: match any case.
  const { stdout } = await runGit(["config", "--get-regexp", "^keyfence\\."], { cwd, env, okCodes: [1] });
  const out = new Map<string, string>();
  for (const line of stdout.toString("utf8").split("\n")) {
    const sp = line.indexOf(" ");
    const name = line.slice(0, sp).toLowerCase();
    if (sp > 0 && name.startsWith("keyfence.prereceive.")) out.set(name.slice("keyfence.prereceive.".length), line.slice(sp + 1));
  }
  return out;
}

export async function preReceiveSettings(flags: SettingFlags, cwd: string, env: NodeJS.ProcessEnv): Promise<PreReceiveSettings> {
  const git = await gitConfig(cwd, env);
  const budgetText = flags.budget ?? git.get("budget") ?? String(DEFAULT_BUDGET_SECONDS);
  const seconds = Number(budgetText.replace(/s$/, ""));
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new KeyfenceError(`budget "${budgetText}" is not a number of seconds between 0 and 3600`, { subject: flags.budget !== undefined ? "--budget" : "keyfence.preReceive.budget" });
  }
  const onTimeout = flags["on-timeout"] ?? git.get("ontimeout") ?? "reject";
  if (onTimeout !== "reject" && onTimeout !== "accept") {
    throw new KeyfenceError(`"${onTimeout}" is not reject or accept`, { subject: flags["on-timeout"] !== undefined ? "--on-timeout" : "keyfence.preReceive.onTimeout" });
  }
  const config = flags.config ?? git.get("config");
  const auditLog = flags["audit-log"] ?? git.get("auditlog");
  const failOn = flags["fail-on"] ?? git.get("failon");
  return { budgetMs: seconds * 1000, onTimeout, ...(config && { config }), ...(auditLog && { auditLog }), ...(failOn && { failOn }) };
}
