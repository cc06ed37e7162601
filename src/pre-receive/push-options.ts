// Push options (`git push -o key=value`) reach the hook as GIT_PUSH_OPTION_COUNT and
// GIT_PUSH_OPTION_<i> once the server sets receive.advertisePushOptions (install does). One of them
// is the audited bypass: `git push -o keyfence-bypass="INC-4312: revoked test key"`.
import { KeyfenceError } from "../errors.js";

export const BYPASS_OPTION = "keyfence-bypass";

export function pushOptions(env: NodeJS.ProcessEnv): string[] {
  const count = Number(env.GIT_PUSH_OPTION_COUNT ?? 0);
  if (!Number.isInteger(count) || count < 0) return [];
  const out: string[] = [];
  for (let i = 0; i < count && i < 100; i++) {
    const v = env[`GIT_PUSH_OPTION_${i}`];
    if (v !== undefined) out.push(v);
  }
  return out;
}

/**
 * The bypass reason, undefined when none was asked for. A bypass without a real reason refuses the
 * push with a message saying how to give one, rather than quietly judging it as if none was asked.
 */
export function bypassFromPushOptions(options: readonly string[]): string | undefined {
  const given = options.filter((o) => o === BYPASS_OPTION || o.startsWith(`${BYPASS_OPTION}=`));
  if (!given.length) return undefined;
  const reason = given[given.length - 1]!.slice(BYPASS_OPTION.length + 1).trim();
  if (reason.length < 3 || /^(1|true|yes|y)$/i.test(reason)) {
    throw new KeyfenceError(`${BYPASS_OPTION} needs a reason, e.g. git push -o ${BYPASS_OPTION}="INC-4312: the key is revoked" (it is recorded in the audit log)`, { subject: "push option" });
  }
  return reason.replace(/[\x00-\x1f\x7f]+/g, " ").slice(0, 500);
}
