// SARIF 2.1.0 for GitHub code scanning and other viewers. Follows GitHub's conventions: rules with
// help text, `security-severity`, tags, `partialFingerprints`, URIs relative to %SRCROOT%. No
// snippet, and no message carries the secret — not even under --show-secrets.
import { pathToFileURL } from "node:url";
import type { Finding, Rule, Severity } from "../types.js";
import { ROTATION_DAYS } from "../types.js";
import type { Reporter } from "./report.js";
import { verificationSentence } from "./verification.js";

// GitHub maps security-severity to its labels: ≥9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, <4 low.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };

function encodePath(path: string): string {
  // Each segment percent-encoded so spaces, '#', '?' and non-ASCII names stay valid URIs.
  return path.split("/").map(encodeURIComponent).join("/");
}

function ruleHelp(rule: Rule): { text: string; markdown: string } {
  const days = rule.remediation.rotateDays ?? ROTATION_DAYS[rule.severity];
  const rotate = days ? `Rotate within ${days} days (${rule.severity} severity).` : "Public by design; check it is the key you meant to publish.";
  const revoke = rule.remediation.revokeUrl ? ` Revoke or roll it: ${rule.remediation.revokeUrl}.` : "";
  const advice = rule.remediation.advice ?? "load it from an environment variable or a secret manager instead of committing it";
  const text = `${rule.title} (${rule.provider}). ${rotate}${revoke} Then ${advice}. If this is not a credential, add an inline 'keyfence:allow ${rule.id}' comment or a baseline entry with a reason.`;
  const markdown = [
    `**${rule.title}** (${rule.provider}, environment: ${rule.environment})`,
    "",
    `- ${rotate}`,
    ...(rule.remediation.revokeUrl ? [`- Revoke or roll it: [${rule.remediation.revokeUrl}](${rule.remediation.revokeUrl})`] : []),
    `- Then ${advice}.`,
    `- Not a credential? Mark it with \`keyfence:allow ${rule.id}\` on the line, or accept it in a baseline with a reason.`,
  ].join("\n");
  return { text, markdown };
}

function resultOf(f: Finding, ruleIndex: number, relative: boolean) {
  const artifact = relative ? { uri: encodePath(f.path), uriBaseId: "%SRCROOT%" } : { uri: pathToFileURL(f.path).href };
  // A multi-part credential is one result at its anchor; every part (the anchor too) is a related
  // location named by its role, so a viewer shows where the id and the secret are.
  const related = f.parts?.map((p, id) => ({
    id,
    message: { text: `${p.role}: ${p.redacted}` },
    physicalLocation: { artifactLocation: artifact, region: { startLine: p.line, startColumn: p.column, endLine: p.endLine, endColumn: p.endColumn } },
  }));
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title} (${f.provider}) ${f.redacted}. ${f.remediation}${f.verification ? ` ${verificationSentence(f)}` : ""}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact,
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    ...(related && { relatedLocations: related }),
    partialFingerprints: { "keyfence/v1": f.fingerprint },
    properties: {
      severity: f.severity,
      provider: f.provider,
      environment: f.environment,
      redacted: f.redacted,
      ...(f.parts && { parts: f.parts.map((p) => ({ role: p.role, ruleId: p.ruleId, redacted: p.redacted, line: p.line })) }),
      ...(f.commit && { commit: f.commit }),
      ...(f.author && { author: f.author }),
      ...(f.date && { date: f.date }),
      tags: f.tags,
      ...(f.verification && { verification: f.verification.status, verificationReason: f.verification.reason }),
    },
  };
}

export const sarifReporter: Reporter = (report) => {
  const used = new Map<string, number>();
  const rules: Rule[] = [];
  // Every active rule is listed so that code scanning can show help even for rules with no result.
  for (const r of report.rules) {
    used.set(r.id, rules.length);
    rules.push(r);
  }
  const driverRules = rules.map((r) => {
    const help = ruleHelp(r);
    return {
      id: r.id,
      name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: `${r.title} (${r.provider}, ${r.kind}, environment: ${r.environment}).` },
      help,
      ...(r.remediation.revokeUrl && { helpUri: r.remediation.revokeUrl }),
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: {
        tags: ["security", "secret", r.family, ...r.tags],
        precision: r.generic ? "medium" : "high",
        "security-severity": SECURITY_SEVERITY[r.severity],
        severity: r.severity,
        provider: r.provider,
      },
    };
  });
  const results = report.findings.map((f) => {
    let idx = used.get(f.ruleId);
    if (idx === undefined) {
      // A finding from a rule not in the list (e.g. produced by another layer): still describe it.
      idx = driverRules.length;
      used.set(f.ruleId, idx);
      driverRules.push({
        id: f.ruleId,
        name: f.ruleId,
        shortDescription: { text: f.title },
        fullDescription: { text: f.title },
        help: { text: f.remediation, markdown: f.remediation },
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: { tags: ["security", "secret", ...f.tags], precision: "high", "security-severity": SECURITY_SEVERITY[f.severity], severity: f.severity, provider: f.provider },
      });
    }
    return resultOf(f, idx, !f.path.startsWith("/"));
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: report.tool.informationUri,
            rules: driverRules,
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(report.root.endsWith("/") ? report.root : report.root + "/").href } },
        columnKind: "utf16CodeUnits",
        ...(report.category && { automationDetails: { id: report.category.endsWith("/") ? report.category : `${report.category}/` } }),
        invocations: [
          {
            executionSuccessful: !report.incomplete,
            toolExecutionNotifications: report.notices
              .filter((n) => n.incomplete)
              .map((n) => ({ level: "warning", message: { text: `${n.path}: ${n.reason}` } })),
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
};
