// Judging a push: the commits it brings that no ref on the server reaches yet (`<new> --not --all`,
// read through git's quarantine object directory, which the hook's environment points git at), only
// the lines they add, within a time budget. Deletions bring nothing; a tag on a known commit brings
// nothing new; a ref that points at a tree or a blob cannot be judged and refuses the push.
import { scanGitRange } from "../orchestrator/git.js";
import type { GitScanSummary } from "../sources/git/index.js";
import { runGit } from "../sources/git/process.js";
import type { Scanner } from "../scanner.js";
import type { Finding } from "../types.js";
import type { SourceNotice } from "../sources/files.js";
import type { RefUpdate } from "./ref-updates.js";

export interface JudgeOptions {
  /** Object types of the pushed tips, peeled (from peeledTypes). */
  types: ReadonlyMap<string, string>;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds the scan may take from now. */
  budgetMs: number;
  include?: readonly string[];
  exclude?: readonly string[];
}

export interface RefVerdict {
  update: RefUpdate;
  /** Why nothing was scanned for this ref (deletion, nothing new), or why it cannot be judged. */
  note?: string;
  unjudgeable?: string;
}

export interface PushJudgement {
  refs: RefVerdict[];
  /** Every finding, once per commit and fingerprint, oldest commit first. */
  findings: Finding[];
  notices: SourceNotice[];
  summary: GitScanSummary;
  /** The budget ran out: before every new commit was read, or before the judgement was complete. */
  timedOut: boolean;
}

class BudgetExceeded extends Error {}

/** Peeled object types of the pushed tips, in one `git cat-file --batch-check` call. */
export async function peeledTypes(updates: readonly RefUpdate[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Map<string, string>> {
  const oids = [...new Set(updates.filter((u) => u.change !== "delete").map((u) => u.newOid))];
  const types = new Map<string, string>();
  if (!oids.length) return types;
  const { stdout } = await runGit(["cat-file", "--batch-check=%(objecttype)"], { cwd: o.cwd, env: o.env, input: oids.map((x) => `${x}^{}\n`).join("") });
  const lines = stdout.toString("utf8").split("\n");
  oids.forEach((oid, i) => types.set(oid, lines[i]?.trim() || "missing"));
  return types;
}

export async function judgePush(scanner: Scanner, updates: readonly RefUpdate[], o: JudgeOptions): Promise<PushJudgement> {
  const deadline = Date.now() + o.budgetMs;
  const types = o.types;
  const refs: RefVerdict[] = [];
  const findings: Finding[] = [];
  const notices: SourceNotice[] = [];
  const summary: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
  const seen = new Set<string>();
  const scannedTips = new Set<string>();
  let timedOut = false;
  for (const update of updates) {
    if (update.change === "delete") {
      refs.push({ update, note: "deleted: nothing to scan" });
      continue;
    }
    const type = types.get(update.newOid);
    if (type !== "commit") {
      refs.push({ update, unjudgeable: `points at a ${type ?? "missing"} object, which keyfence cannot judge as commits` });
      continue;
    }
    refs.push({ update });
    // Two refs pushed at the same tip bring the same commits: read them once.
    if (scannedTips.has(update.newOid) || timedOut) continue;
    scannedTips.add(update.newOid);
    const part: GitScanSummary = { commits: 0, files: 0, bytes: 0, binary: 0 };
    const onCommit = () => {
      // Thrown inside git's read loop, this stops the walk and kills git at once.
      if (Date.now() > deadline) throw new BudgetExceeded();
    };
    try {
      const walk = scanGitRange(scanner, { cwd: o.cwd, env: o.env, range: update.newOid, newToRepository: true, include: o.include, exclude: o.exclude, onCommit }, (n) => notices.push(n), part);
      for await (const f of walk) {
        const key = `${f.commit}\0${f.fingerprint}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(f);
      }
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err;
      timedOut = true;
    }
    summary.commits += part.commits;
    summary.files += part.files;
    summary.bytes += part.bytes;
    summary.binary += part.binary;
  }
  // A judgement that arrives after the budget is as late as none for a server that kills slow hooks:
  // the budget's policy applies to it too (credentials found still reject).
  if (Date.now() > deadline) timedOut = true;
  return { refs, findings, notices, summary, timedOut };
}
