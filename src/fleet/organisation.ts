// The organisation's view of a merged fleet run: every credential once, with every repository and
// place it was found. A credential is its rule and the keyed digest of its value (a pair's digest for
// a multi-part credential), never the value, and not the fingerprint: the fingerprint includes the
// path, and the key rotated is the same wherever it was copied to. Exposure is measured
// again to `asOf`, and every repository that could not be scanned in full listed, because an audit
// that omits what it could not read overstates safety.
import { SEVERITIES, type Severity } from "../types.js";
import { severityRank } from "../policy/severity.js";
import { ageBand, AGE_BANDS } from "../report/rotation/model.js";
import type { RepoResult } from "./repo-result.js";

const DAY = 86_400_000;

export interface Place {
  repository: string;
  path: string;
  /** The finding's fingerprint, to find this place in the per-finding JSON and SARIF. */
  fingerprint: string;
  line: number;
  commit?: string;
  author?: string;
  date?: string;
  presentAtHead: boolean;
  occurrences: number;
}

export interface OrgCredential {
  ruleId: string;
  /** Keyed digest of the value (HMAC under the shared fingerprint key): with `ruleId`, what makes two places one credential. */
  secretDigest: string;
  title: string;
  provider: string;
  severity: Severity;
  redacted: string;
  /** Earliest first exposure across its places. */
  firstExposed?: string;
  days: number;
  rotateDays?: number;
  overdueDays: number;
  state: "overdue" | "due" | "no window";
  presentAtHead: boolean;
  repositories: string[];
  places: Place[];
  revokeUrl?: string;
  tags: string[];
  ageBand: string;
}

export interface OrgRepository {
  id: string;
  location: string;
  status: RepoResult["status"];
  error?: string;
  head?: string;
  refs: number;
  commits: number;
  findings: number;
  scannedAt: string;
  notices: string[];
}

export interface OrgReport {
  asOf: string;
  tool: { name: string; version: string };
  repositories: OrgRepository[];
  credentials: OrgCredential[];
  bySeverity: { severity: Severity; count: number }[];
  byProvider: { provider: string; count: number }[];
  byAgeBand: { band: string; count: number }[];
  overdue: number;
  presentAtHead: number;
  /** Repositories not scanned in full (failed or incomplete). */
  notScanned: number;
}

export function buildOrgReport(results: readonly RepoResult[], options: { asOf: Date; tool: { name: string; version: string } }): OrgReport {
  const now = options.asOf.getTime();
  const groups = new Map<string, OrgCredential>();
  for (const r of results) {
    for (const f of r.findings) {
      const place: Place = {
        repository: r.repository.id,
        path: f.path,
        fingerprint: f.fingerprint,
        line: f.line,
        ...(f.commit && { commit: f.commit }),
        ...(f.author && { author: f.author }),
        ...(f.date && { date: f.date }),
        presentAtHead: f.exposure.presentAtHead,
        occurrences: f.exposure.occurrences,
      };
      const id = `${f.ruleId}\0${f.secretDigest}`;
      const rotateDays = f.exposure.rotateDays ?? f.rotateDays;
      const g = groups.get(id);
      if (g) {
        g.places.push(place);
        if (!g.repositories.includes(r.repository.id)) g.repositories.push(r.repository.id);
        if (f.date && (!g.firstExposed || f.date < g.firstExposed)) g.firstExposed = f.date;
        // A copy at a production path can be graded above one under test/: the credential is as
        // serious as its most serious place, and is rotated on that place's window.
        if (severityRank(f.severity) > severityRank(g.severity)) {
          g.severity = f.severity;
          if (rotateDays === undefined) delete g.rotateDays;
          else g.rotateDays = rotateDays;
        }
        g.presentAtHead ||= place.presentAtHead;
        continue;
      }
      groups.set(id, {
        ruleId: f.ruleId,
        secretDigest: f.secretDigest,
        title: f.title,
        provider: f.provider,
        severity: f.severity,
        redacted: f.redacted,
        ...(f.date && { firstExposed: f.date }),
        days: 0,
        ...(rotateDays !== undefined && { rotateDays }),
        overdueDays: 0,
        state: "no window",
        presentAtHead: place.presentAtHead,
        repositories: [r.repository.id],
        places: [place],
        ...(f.revokeUrl && { revokeUrl: f.revokeUrl }),
        tags: [...f.tags],
        ageBand: "",
      });
    }
  }
  const credentials = [...groups.values()].map((c) => {
    const days = c.firstExposed ? Math.max(0, Math.floor((now - Date.parse(c.firstExposed)) / DAY)) : 0;
    const overdueDays = c.rotateDays === undefined ? 0 : Math.max(0, days - c.rotateDays);
    c.places.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? "") || a.repository.localeCompare(b.repository) || a.path.localeCompare(b.path) || (a.commit ?? "").localeCompare(b.commit ?? ""));
    c.repositories.sort();
    return { ...c, days, overdueDays, state: c.rotateDays === undefined ? "no window" : overdueDays > 0 ? "overdue" : "due", ageBand: ageBand(days) } as OrgCredential;
  });
  credentials.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.overdueDays - a.overdueDays || b.repositories.length - a.repositories.length || a.ruleId.localeCompare(b.ruleId) || a.secretDigest.localeCompare(b.secretDigest));
  const providers = new Map<string, number>();
  for (const c of credentials) providers.set(c.provider, (providers.get(c.provider) ?? 0) + 1);
  const repositories: OrgRepository[] = results.map((r) => ({
    id: r.repository.id,
    location: r.repository.location,
    status: r.status,
    ...(r.error && { error: r.error }),
    ...(r.head && { head: r.head }),
    refs: Object.keys(r.refs).length,
    commits: r.stats.commits,
    findings: r.findings.length,
    scannedAt: r.scannedAt,
    notices: r.notices.filter((n) => n.incomplete).map((n) => n.reason),
  }));
  return {
    asOf: options.asOf.toISOString(),
    tool: options.tool,
    repositories,
    credentials,
    bySeverity: SEVERITIES.map((severity) => ({ severity, count: credentials.filter((c) => c.severity === severity).length })).filter((s) => s.severity !== "info" || s.count > 0),
    byProvider: [...providers.entries()].map(([provider, count]) => ({ provider, count })).sort((a, b) => b.count - a.count || a.provider.localeCompare(b.provider)),
    byAgeBand: AGE_BANDS.map((b) => ({ band: b.label, count: credentials.filter((c) => c.ageBand === b.label).length })),
    overdue: credentials.filter((c) => c.state === "overdue").length,
    presentAtHead: credentials.filter((c) => c.presentAtHead).length,
    notScanned: repositories.filter((r) => r.status !== "ok").length,
  };
}
