// What every reporter receives: the findings of one run and the facts needed to present them.
import type { Finding, Rule } from "../types.js";
import type { FailOn } from "../config/config.js";
import type { SourceNotice } from "../types.js";
import type { Exemption } from "../config/added-exemptions.js";

export interface ScanReport {
  tool: { name: "keyfence"; version: string; informationUri: string };
  /** Absolute scan root; finding paths are relative to it. */
  root: string;
  findings: Finding[];
  /** Rules that were active (SARIF lists them; JSON counts them). */
  rules: readonly Rule[];
  notices: SourceNotice[];
  failOn: FailOn;
  /** Fingerprints of findings at or above failOn. */
  blocking: Set<string>;
  /** Files that could not be scanned (permissions, vanished): the result is not the whole truth. */
  incomplete: boolean;
  /** `ignored`: untracked files and folders a walk inside a git work tree skipped because git ignores them. */
  stats: { files: number; bytes: number; durationMs: number; ignored?: number };
  /** SARIF analysis category (runAutomationDetails.id), e.g. "keyfence/pull-request". */
  category?: string;
  /** Inline `keyfence:allow` comments the reviewed change adds (ci, git --range): shown to reviewers. */
  exemptions?: Exemption[];
}

export interface ReportOptions {
  /** Include raw secret values (only ever when the user passed --show-secrets; never in SARIF). */
  showSecrets: boolean;
  color: boolean;
}

export type Reporter = (report: ScanReport, options: ReportOptions) => string;
