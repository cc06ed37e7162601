// `keyfence report` on a real temporary repository: Markdown and HTML from a history scan and from a
// saved history JSON, bad input refused in one line, and the HTML page rendered by headless Chromium.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createScanner } from "../src/scanner.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { positive } from "./helpers/secrets.js";
import { TempRepo, cleanupTempDirs, cli, cliProcess, tempDir } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

const AS_OF = "2025-03-31";
const scanner = createScanner();

/** The raw value a generated example holds, to assert it is printed nowhere. */
function rawOf(text: string): string {
  const [f] = scanner.scanBuffer(text, { path: "x.env" });
  return revealSecret(f!)!;
}

function exposedRepo() {
  const repo = TempRepo.init();
  const stripe = positive("stripe-secret-key-live", 0, "report");
  const aws = positive("aws-access-key-id", 0, "report");
  const sandbox = positive("stripe-secret-key-test", 0, "report");
  // Critical, first exposed 2024-01-20, still at HEAD, added twice.
  const first = repo.commitFile("config/pay.env", `${stripe}\n`, "add key", "2024-01-20T12:00:00Z");
  repo.commitFile("copy/pay.env", `${stripe}\n`, "copy key", "2024-06-01T12:00:00Z");
  // Medium, added and removed: only in history.
  repo.commitFile("aws.txt", `${aws}\n`, "aws", "2025-02-15T12:00:00Z");
  repo.git("rm", "-q", "aws.txt");
  repo.commit("remove aws", "2025-02-16T12:00:00Z");
  // Low (sandbox), recent, still at HEAD.
  repo.commitFile("test/stripe.env", `${sandbox}\n`, "sandbox", "2025-03-20T12:00:00Z");
  return { repo, first, secrets: [rawOf(stripe), rawOf(aws), rawOf(sandbox)] };
}

function noSecret(text: string, secrets: string[]): void {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe("keyfence report (Markdown)", () => {
  it("lists each exposed credential with first exposure, age against its window, presence at HEAD, revoke page, checklist and controls", async () => {
    const { repo, first, secrets } = exposedRepo();
    const r = await cli(["report", "--as-of", AS_OF, "--repository", "payments-api"], repo.dir, repo.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toContain("Repository: `payments-api` · exposure measured to 2025-03-31 (UTC)");
    expect(md).toContain("3 credentials exposed in the repository's history; 1 overdue for rotation; 2 still present at HEAD.");
    expect(md).toContain("| critical | 30 days | 1 |");
    expect(md).toContain("| ≥ 365 days | 1 |");
    expect(md).toContain("| 30–59 days | 1 |");
    expect(md).toContain("| < 30 days | 1 |");
    const rows = md.split("\n").filter((l) => /^\| \d+ \| `/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(new RegExp(`^\\| 1 \\| \`sk_live_•+\\w{4}\` Stripe live secret key \\| \`config/pay.env:1\` \\(\\+1 other file, 2 places\\) \\| Stripe \\| critical \\| 2024-01-20 \\| \`${first.slice(0, 12)}\` \\| Ada Dev &lt;ada@example.test&gt; \\| 436 days \\| 30 days \\| overdue by 406 days \\| yes \\| PCI-DSS-4.0-8.6.2, PCI-DSS-4.0-8.6.3, SOC2-CC6.1, CWE-798 \\|$`));
    expect(rows[1]).toMatch(/AWS access key id \| `aws.txt:1` \| AWS \| medium \| 2025-02-15 .* \| 44 days \| 90 days \| rotate within 46 more days \| no \|/);
    expect(rows[2]).toMatch(/Stripe test-mode secret key \| `test\/stripe.env:1` \| Stripe \| low \| 2025-03-20 .* \| 11 days \| 180 days \| rotate within 169 more days \| yes \|/);
    expect(md).toContain("- Found: config/pay.env:1, first added in commit");
    expect(md).toContain("; added 2 times; still present at HEAD.");
    expect(md).toContain("- Revoke/rotate page: <https://dashboard.stripe.com/apikeys>");
    for (const step of ["Revoke", "Replace", "Deploy", "Verify", "Log"]) expect(md.split(`- [ ] **${step}**:`)).toHaveLength(4);
    expect(md).toContain("| `PCI-DSS-4.0-8.6.2` | PCI DSS v4.0 | Credentials of application and system accounts are not hard-coded");
    noSecret(md, secrets);
  });

  it("from a saved `keyfence history --format json` (even one written with --show-secrets): same report, no secret", async () => {
    const { repo, secrets } = exposedRepo();
    const saved = await cli(["history", "--format", "json", "--show-secrets"], repo.dir, repo.env);
    expect(saved.stdout).toContain(secrets[0]);
    writeFileSync(join(repo.dir, "history.json"), saved.stdout);
    const fromFile = await cli(["report", "--from", "history.json", "--as-of", AS_OF, "--repository", "payments-api"], repo.dir, repo.env);
    const direct = await cli(["report", "--as-of", AS_OF, "--repository", "payments-api"], repo.dir, repo.env);
    expect(fromFile.code).toBe(0);
    // The same summary and credentials; the saved file holds first places only, and no repository facts.
    const summary = (md: string) => md.slice(md.indexOf("## Summary"), md.indexOf("## Credentials"));
    expect(summary(fromFile.stdout)).toBe(summary(direct.stdout));
    expect(fromFile.stdout).toMatch(/\| Source \| `saved history file history\.json \(sha256:[0-9a-f]{64}\); repository facts were not recorded in it` \|/);
    expect(direct.stdout).toContain("  - copy/pay.env:1, commit");
    noSecret(fromFile.stdout, secrets);
    const html = await cli(["report", "--from", "history.json", "--format", "html", "--as-of", AS_OF], repo.dir, repo.env);
    noSecret(html.stdout, secrets);
  });

  it("bad input: one line naming the file (and line, and finding), exit 2, no output file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.json"), '{ "findings": [\n');
    writeFileSync(join(dir, "partial.json"), JSON.stringify({ findings: [{ ruleId: "stripe-secret-key-live", title: "t", provider: "Stripe", severity: "critical", redacted: "sk_live_••••", secretDigest: "a".repeat(64), path: "a.env", line: 1, tags: [] }] }, null, 2));
    for (const [file, pattern] of [
      ["broken.json", /^keyfence: .*broken\.json:\d+: malformed JSON: .*\n$/],
      ["partial.json", /^keyfence: .*partial\.json:3: finding 1 \(stripe-secret-key-live\): missing required key "exposure" in "findings\.0"\n$/],
      ["missing.json", /^keyfence: .*missing\.json: file not found\n$/],
    ] as const) {
      const r = cliProcess(["report", "--from", file, "--format", "html", "--output", "out.html"], dir, process.env);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(existsSync(join(dir, "out.html"))).toBe(false);
    }
    expect(cliProcess(["report", "--format", "pdf"], dir, process.env).stderr).toBe('keyfence: --format: unknown format "pdf" (use markdown or html)\n');
    expect(cliProcess(["report", "--as-of", "last week"], dir, process.env).stderr).toBe('keyfence: --as-of: "last week" is not a date (use YYYY-MM-DD)\n');
    expect(cliProcess(["report"], dir, process.env).stderr).toMatch(/not a git repository/);
  });
});

/** Debian's chromium (or CHROMIUM=path): the HTML test runs only where a browser is installed. */
function findChromium(): string | undefined {
  for (const c of [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (c && existsSync(c)) return c;
  const which = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

const CHROMIUM = findChromium();
const chromiumTitle = CHROMIUM
  ? "renders in headless Chromium: credential rows, both charts with their bars, the checklists; nothing external, no secret"
  : "SKIPPED: Chromium not installed (apt-get install -y chromium, or set CHROMIUM=/path/to/chromium): HTML report rendering not checked";

function chromium(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const profile = mkdtempSync(join(tmpdir(), "kf-chromium-"));
  try {
    const r = spawnSync(
      CHROMIUM!,
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, ...args],
      { encoding: "utf8", timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
    );
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe("keyfence report (HTML)", () => {
  it("is one self-contained page: inline CSS and SVG, no script, no external asset", async () => {
    const { repo, secrets } = exposedRepo();
    const r = await cli(["report", "--format", "html", "--as-of", AS_OF, "--output", "report.html"], repo.dir, repo.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("keyfence report: 3 credentials, 1 overdue, 2 at HEAD. Report written to report.html.\n");
    const html = readFileSync(join(repo.dir, "report.html"), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).toContain("default-src 'none'");
    noSecret(html, secrets);
  });

  it.skipIf(!CHROMIUM)(chromiumTitle, async () => {
    const { repo, secrets } = exposedRepo();
    // A file name with markup must arrive as text, not as an element.
    repo.commitFile("<i>late.env", `${positive("stripe-secret-key-live", 1, "late")}\n`, "late", "2025-03-30T12:00:00Z");
    const r = await cli(["report", "--format", "html", "--as-of", AS_OF, "--output", "report.html"], repo.dir, repo.env);
    expect(r.code).toBe(0);
    const url = pathToFileURL(join(repo.dir, "report.html")).href;
    const dump = chromium(["--dump-dom", url]);
    expect(dump.status, dump.stderr).toBe(0);
    const dom = dump.stdout;
    expect(dom).toContain("<h1>Credential exposure and rotation report</h1>");
    const rows = dom.match(/<tr data-severity="(\w+)" data-state="([\w ]+)">/g) ?? [];
    expect(rows).toEqual([
      '<tr data-severity="critical" data-state="overdue">',
      '<tr data-severity="critical" data-state="due">',
      '<tr data-severity="medium" data-state="due">',
      '<tr data-severity="low" data-state="due">',
    ]);
    const bars = (id: string) => {
      const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(dom)?.[0] ?? "";
      return [...svg.matchAll(/<g class="row" data-label="([^"]+)" data-count="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    };
    expect(bars("chart-severity")).toEqual([["critical", 2], ["high", 0], ["medium", 1], ["low", 1]]);
    expect(bars("chart-age")).toEqual([["&lt; 30 days", 2], ["30–59 days", 1], ["60–89 days", 0], ["90–179 days", 0], ["180–364 days", 0], ["≥ 365 days", 1]]);
    expect((dom.match(/<rect class="bar"/g) ?? []).length).toBe(10);
    expect((dom.match(/<article id="credential-\d+">/g) ?? []).length).toBe(4);
    expect((dom.match(/<input type="checkbox">/g) ?? []).length).toBe(20);
    expect(dom).toContain("Found: &lt;i&gt;late.env:1");
    expect(dom).not.toContain("<i>late");
    noSecret(dom, secrets);
    // And it paints: a screenshot of a real page is far larger than a blank one.
    const png = join(repo.dir, "report.png");
    const shot = chromium(["--window-size=1280,1600", `--screenshot=${png}`, url]);
    expect(shot.status, shot.stderr).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(statSync(png).size).toBeGreaterThan(50_000);
  }, 180_000);
});

/** `url` with a user name and password in it, built at run time. */
function withUserinfo(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

describe("report scope, grouping and wording", () => {
  it("names what it is evidence of: remote without credentials, HEAD, refs, shallow or not, time, version, digests", async () => {
    const { repo, secrets } = exposedRepo();
    // Userinfo set through the URL API: the repository holds no credential-shaped literal.
    repo.git("remote", "add", "origin", withUserinfo("https://git.bank.example/bank/payments-api.git?private_token=abc#frag", "ci-bot", "tok3n".repeat(3)));
    const head = repo.git("rev-parse", "HEAD").trim();
    const r = await cli(["report", "--as-of", AS_OF], repo.dir, repo.env);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toContain("Repository: `payments-api`");
    expect(md).toContain("| Repository remote | `https://git.bank.example/bank/payments-api.git` |");
    expect(md).not.toMatch(/ci-bot|tok3n|private_token|frag/);
    expect(md).toContain(`| HEAD | \`${head}\` |`);
    expect(md).toContain("| Refs scanned | `1 ref: refs/heads/main` |");
    expect(md).toContain("| History | `complete (not a shallow clone)` |");
    expect(md).toMatch(/\| Generated at \| `\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z` \|/);
    expect(md).toMatch(/\| Tool \| `keyfence \d+\.\d+\.\d+` \|/);
    expect(md).toMatch(/\| Configuration digest \| `sha256:[0-9a-f]{64}` \|/);
    expect(md).toMatch(/\| Rules \| `\d+ active, digest sha256:[0-9a-f]{64}` \|/);
    // The digest follows the configuration.
    const again = await cli(["report", "--as-of", AS_OF], repo.dir, repo.env);
    const digest = (text: string) => /Configuration digest \| `sha256:(\w+)`/.exec(text)![1];
    expect(digest(again.stdout)).toBe(digest(md));
    writeFileSync(join(repo.dir, "keyfence.config.json"), JSON.stringify({ failOn: "high" }));
    expect(digest((await cli(["report", "--as-of", AS_OF], repo.dir, repo.env)).stdout)).not.toBe(digest(md));
    noSecret(md, secrets);
  });

  it("one credential per secret value, with every rule and place; generic kinds get readable steps", async () => {
    const repo = TempRepo.init();
    const live = positive("stripe-secret-key-live", 0, "grouped");
    // A live key under test/ is two findings (the provider rule and the environment rule): one key to rotate.
    repo.commitFile("test/fixtures/pay.env", `${live}\n`, "fixture", "2025-01-10T12:00:00Z");
    repo.commitFile("src/config.env", `${live}\n`, "again", "2025-02-10T12:00:00Z");
    repo.commitFile("app/settings.py", `${positive("generic-secret-assignment", 0, "grouped")}\n`, "generic", "2025-03-01T12:00:00Z");
    const md = (await cli(["report", "--as-of", AS_OF], repo.dir, repo.env)).stdout;
    const rows = md.split("\n").filter((l) => /^\| \d+ \| `/.test(l));
    expect(rows).toHaveLength(2);
    expect(md).toMatch(/- Rules `stripe-secret-key-live`, `env-live-credential-in-nonproduction`; value hash/);
    expect(md).toMatch(/- Added in 3 places \(oldest first\):\n  - test\/fixtures\/pay\.env:1, commit \w{12} by Ada Dev[^\n]*\((stripe-secret-key-live|env-live-credential-in-nonproduction)\)\n/);
    expect(md).toContain("src/config.env:1, commit");
    expect(md).not.toMatch(/with Generic|with Private key|with JWT/);
    expect(md).toContain("**Revoke**: rotate this secret at the service that issued it");
  });

  it("keeps credentials out of a remote in any form", async () => {
    const { safeRemote, repositoryName } = await import("../src/report/rotation/scope.js");
    expect(safeRemote(withUserinfo("https://host.example/a/b.git", "user", "p".repeat(12)))).toBe("https://host.example/a/b.git");
    expect(safeRemote(withUserinfo("https://gitlab.example/g/p?token=1", "oauth2", "q".repeat(20)))).toBe("https://gitlab.example/g/p");
    expect(safeRemote("ssh://git@host.example:2222/a/b.git")).toBe("ssh://host.example:2222/a/b.git");
    expect(safeRemote("git@github.com:bank/payments.git")).toBe("github.com:bank/payments.git");
    expect(safeRemote("/srv/git/payments.git")).toBe("/srv/git/payments.git");
    expect(safeRemote("https://h.example/a\nb")).toBe("https://h.example/ab");
    expect(repositoryName("git@github.com:bank/payments-api.git", "work")).toBe("payments-api");
    expect(repositoryName(undefined, "work")).toBe("work");
  });
});

describe.skipIf(!CHROMIUM)("report layout in headless Chromium", () => {
  it("screenshots at a desktop and a narrow width, and prints to a multi-page PDF", async () => {
    const { repo, secrets } = exposedRepo();
    const r = await cli(["report", "--format", "html", "--as-of", AS_OF, "--output", "report.html"], repo.dir, repo.env);
    expect(r.code).toBe(0);
    const html = readFileSync(join(repo.dir, "report.html"), "utf8");
    // Tokens keep together; paths wrap only after a slash; a print stylesheet exists.
    expect(html).toMatch(/code, \.sev, \.date \{ white-space: nowrap; \}/);
    expect(html).not.toContain("break-all");
    expect(html).toContain('<span class="path"><span class="seg">config</span>/<wbr><span class="seg">pay.env</span>:1</span>');
    expect(html).toMatch(/@media print \{[\s\S]*thead \{ display: table-header-group; \}/);
    const url = pathToFileURL(join(repo.dir, "report.html")).href;
    for (const [width, height] of [[1280, 1600], [480, 1600]] as const) {
      const png = join(repo.dir, `report-${width}.png`);
      const shot = chromium([`--window-size=${width},${height}`, `--screenshot=${png}`, url]);
      expect(shot.status, shot.stderr).toBe(0);
      const buf = readFileSync(png);
      expect(buf.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(buf.readUInt32BE(16)).toBe(width); // IHDR width: the page rendered at that width
      expect(buf.length).toBeGreaterThan(30_000);
    }
    const pdf = join(repo.dir, "report.pdf");
    const print = chromium(["--no-pdf-header-footer", `--print-to-pdf=${pdf}`, url]);
    expect(print.status, print.stderr).toBe(0);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pages = (bytes.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    // The checklists start on a page of their own.
    expect(pages).toBeGreaterThanOrEqual(2);
    noSecret(bytes.toString("latin1"), secrets);
  }, 180_000);
});
