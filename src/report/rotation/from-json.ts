// Reads the JSON that `keyfence history --format json` writes, so a report can be produced later, or
// elsewhere, from a saved scan. Only the fields the report needs are read; a `secret` field (written
// under --show-secrets) is dropped on load and never reaches a renderer.
import { loadDocument } from "../../schema-document.js";
import type { HistoryFinding } from "../../finding/exposure.js";

const HISTORY_JSON_SCHEMA = {
  type: "object",
  required: ["findings"],
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object",
        required: ["ruleId", "title", "provider", "severity", "redacted", "secretDigest", "path", "line", "tags", "exposure"],
        properties: {
          ruleId: { type: "string", minLength: 1 },
          title: { type: "string" },
          provider: { type: "string" },
          severity: { enum: ["critical", "high", "medium", "low", "info"] },
          redacted: { type: "string" },
          secretDigest: { type: "string", pattern: "^[0-9a-f]{64}$" },
          path: { type: "string" },
          line: { type: "integer", minimum: 0 },
          commit: { type: "string", pattern: "^[0-9a-f]{7,64}$" },
          author: { type: "string" },
          date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T" },
          revokeUrl: { type: "string", pattern: "^https://[^\\s<>\"']+$" },
          rotateDays: { type: "integer", minimum: 1 },
          tags: { type: "array", items: { type: "string" } },
          exposure: {
            type: "object",
            required: ["days", "overdueDays", "presentAtHead", "occurrences"],
            properties: {
              days: { type: "integer", minimum: 0 },
              rotateDays: { type: "integer", minimum: 1 },
              overdueDays: { type: "integer", minimum: 0 },
              presentAtHead: { type: "boolean" },
              occurrences: { type: "integer", minimum: 1 },
            },
          },
        },
      },
    },
  },
};

export function loadHistoryJson(file: string): HistoryFinding[] {
  const doc = loadDocument<{ findings: (HistoryFinding & { secret?: unknown })[] }>(file, HISTORY_JSON_SCHEMA, {
    what: "saved report",
    // The file may hold raw values (a --show-secrets run): errors quote nothing from it.
    untrusted: true,
    subjectOf: (value, path) => {
      if (path[0] !== "findings" || typeof path[1] !== "number") return undefined;
      const id = (value as { findings: { ruleId?: unknown }[] }).findings[path[1]]?.ruleId;
      // A rule id is named only when it has a rule id's shape (lowercase words and dashes), so a value
      // pasted into the field is never echoed.
      return `finding ${path[1] + 1}${typeof id === "string" && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id) && id.length <= 64 ? ` (${id})` : ""}`;
    },
  });
  return doc.value.findings.map(({ secret: _drop, ...f }) => f as HistoryFinding);
}
