import type { Command } from "../command.js";

/** A sub-command as `keyfence --help` lists it; its module loads only when it runs (start-up time). */
export interface CommandEntry {
  name: string;
  /** One line for `keyfence --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** Every sub-command, in the order `keyfence --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: "scan", summary: "scan files and folders ('-' for stdin)", load: async () => (await import("./scan.js")).scanCommand },
  { name: "staged", summary: "scan the lines the next commit adds (the git index); used by the pre-commit hook", load: async () => (await import("./staged.js")).stagedCommand },
  { name: "git", summary: "scan the lines added by the commits of a range (--range A..B, --since DATE, --all)", load: async () => (await import("./git.js")).gitCommand },
  { name: "history", summary: "every credential in the history of all refs, with first commit and exposure age", load: async () => (await import("./history.js")).historyCommand },
  { name: "ci", summary: "scan the change under review in GitHub Actions, GitLab CI, or --range", load: async () => (await import("./ci.js")).ciCommand },
  { name: "report", summary: "credential exposure and rotation report (Markdown or HTML) over the history", load: async () => (await import("./report.js")).reportCommand },
  { name: "install", summary: "add the pre-commit hook to this repository (husky when present)", load: async () => (await import("./install.js")).installCommand },
  { name: "uninstall", summary: "remove the pre-commit hook that 'keyfence install' added", load: async () => (await import("./install.js")).uninstallCommand },
  { name: "pre-receive", summary: "server-side hook: reject pushes whose new commits add credentials (install --pre-receive)", load: async () => (await import("./pre-receive.js")).preReceiveCommand },
  { name: "fleet", summary: "many repositories: plan shards, scan a shard (CI matrix, k8s Indexed Job), merge the results", load: async () => (await import("./fleet.js")).fleetCommand },
  { name: "baseline", summary: "accept today's findings (with reviewer, reason, ticket, expiry); later scans report only new ones", load: async () => (await import("./baseline.js")).baselineCommand },
  { name: "doctor", summary: "check the repository's hygiene: secret files ignored, hook active, CI scanning, baseline, config", load: async () => (await import("./doctor.js")).doctorCommand },
  { name: "key", summary: "the repository's fingerprint key (init, id, export, import, digest): keyed digests in every report", load: async () => (await import("./key.js")).keyCommand },
  { name: "rules", summary: "list the active rules, or test every rule's examples", load: async () => (await import("./rules.js")).rulesCommand },
];
