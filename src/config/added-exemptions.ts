// Inline `keyfence:allow` comments are exemptions the change grants itself, line by line. They are
// honoured (they are how a developer marks a fixture), but every one a change adds is listed for the
// reviewer — in the step summary and the text report — with its rules and reason, so no exemption
// enters the codebase unseen.
import { spawnSync } from "node:child_process";
import { KeyfenceError } from "../errors.js";

export interface Exemption {
  /** Repository-relative path of the file the comment is added to. */
  path: string;
  /** 1-based line in the head commit. */
  line: number;
  /** Rule ids it names; empty means every rule. */
  rules: string[];
  /** Text after `--`, if any. */
  reason?: string;
}

const DIRECTIVE = /keyfence:allow(?![\w:-])(?:[ \t]+([A-Za-z0-9][\w.-]*(?:[ \t]*,[ \t]*[A-Za-z0-9][\w.-]*)*))?(?:[ \t]*--[ \t]*(.*))?/;

/** The directive on one line, if any. */
export function exemptionOn(text: string): Pick<Exemption, "rules" | "reason"> | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const reason = m[2]?.replace(/\s*(\*\/|-->|%>|#>)\s*$/, "").trim();
  return { rules: m[1] ? m[1].split(",").map((s) => s.trim()) : [], ...(reason && { reason }) };
}

/** Unquotes a path as `git diff` prints it under core.quotePath=false (quotes only for odd bytes). */
function diffPath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const n = body[++i]!;
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Every `keyfence:allow` on a line the change from `base` (undefined: the empty tree) to `head` adds. */
export function addedExemptions(root: string, base: string | undefined, head: string): Exemption[] {
  const from = base ?? spawnSync("git", ["hash-object", "-t", "tree", "--stdin"], { cwd: root, input: "", encoding: "utf8" }).stdout.trim();
  const r = spawnSync("git", ["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-G", "keyfence:allow", from, head, "--"], {
    cwd: root,
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.status !== 0) throw new KeyfenceError(`cannot list the inline allows the change adds (${r.stderr.toString("utf8").trim().split("\n")[0] ?? "git diff failed"})`, { subject: "trusted configuration" });
  const out: Exemption[] = [];
  let path = "";
  let line = 0;
  for (const text of r.stdout.toString("utf8").split("\n")) {
    if (text.startsWith("+++ ")) {
      const p = text.slice(4);
      path = p === "/dev/null" ? "" : diffPath(p).replace(/^"?b\//, "");
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith("+") && path) {
      const e = exemptionOn(text.slice(1));
      if (e) out.push({ path, line, ...e });
      line++;
    }
  }
  return out;
}
