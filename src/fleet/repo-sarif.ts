// SARIF for one repository's result: the ordinary SARIF reporter's run, with the repository named
// (versionControlProvenance: its credential-free URL and the HEAD scanned) and a category of its
// own, so that a merged file holds one run per repository and code scanning keeps them apart.
// Only the rules that found something are described, which keeps a 1,000-repository file small.
import { pathToFileURL } from "node:url";
import { sarifReporter } from "../report/sarif.js";
import type { Rule } from "../types.js";
import type { RepoResult } from "./repo-result.js";

interface SarifLog {
  runs: Record<string, unknown>[];
}

export function repoSarifRun(result: RepoResult, rules: readonly Rule[], tool: { name: "keyfence"; version: string; informationUri: string }): Record<string, unknown> {
  const used = new Set(result.findings.map((f) => f.ruleId));
  const log = JSON.parse(
    sarifReporter(
      {
        tool,
        root: "/",
        findings: result.findings,
        rules: rules.filter((r) => used.has(r.id)),
        notices: result.notices,
        failOn: "never",
        blocking: new Set(),
        incomplete: result.status !== "ok",
        stats: { files: result.stats.files, bytes: result.stats.bytes, durationMs: result.durationMs },
        category: `keyfence/fleet/${result.repository.id}`,
      },
      { showSecrets: false, color: false },
    ),
  ) as SarifLog;
  const run = log.runs[0]!;
  const loc = result.repository.location;
  // scp-like `git@host:org/repo` is not a URI; its ssh:// form names the same repository.
  const uri = result.repository.kind === "path" ? pathToFileURL(loc).href : /^[a-z][a-z0-9+.-]*:\/\//i.test(loc) ? loc : `ssh://${loc.replace(":", "/")}`;
  run.originalUriBaseIds = { "%SRCROOT%": { uri: uri.endsWith("/") ? uri : `${uri}/` } };
  run.versionControlProvenance = [{ repositoryUri: uri, ...(result.head && { revisionId: result.head }) }];
  if (result.status === "failed") {
    run.invocations = [{ executionSuccessful: false, toolExecutionNotifications: [{ level: "error", message: { text: result.error ?? "not scanned" } }] }];
  }
  return run;
}

export function sarifDocument(runs: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs }, null, 1) + "\n";
}

export function repoSarif(result: RepoResult, scanner: { rules: readonly Rule[] }, tool: { name: "keyfence"; version: string; informationUri: string }): string {
  return sarifDocument([repoSarifRun(result, scanner.rules, tool)]);
}
