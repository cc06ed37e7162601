// `keyfence report` runs its own history scan; it reads the same names `history` does (commit and
// annotated-tag messages, authors, paths, refs), so a token pasted into a commit message is in the
// rotation report, redacted, dated by its commit and never "at HEAD".
import { afterAll, describe, expect, it } from "vitest";
import { createScanner } from "../src/scanner.js";
import { expandExample } from "../src/rules/example-template.js";
import { TempRepo, cleanupTempDirs, cli } from "./helpers/git-repo.js";

afterAll(cleanupTempDirs);

// Generated, clearly fake GitHub tokens with the CRC32 check the rule verifies.
const inMessage = expandExample("ghp_{{crc32-base62:30}}", "report-names/message");
const inTag = expandExample("ghp_{{crc32-base62:30}}", "report-names/tag");
const redactedOf = (token: string) => createScanner().scanBuffer(`t=${token}\n`, { path: "x" })[0]!.redacted;

describe("keyfence report without --from", () => {
  it("names a token in a commit message and in an annotated tag's message, redacted (exit 0: a report is not a gate)", async () => {
    const repo = TempRepo.init();
    repo.commitFile("README.md", "service\n", `deploy: use token ${inMessage} for the release bot`, "2024-01-10T10:00:00Z");
    repo.commitFile("notes.md", "notes\n", "notes", "2024-02-10T10:00:00Z");
    repo.git("tag", "-a", "v1.0", "-m", `release, registry token ${inTag}`);
    for (const format of ["markdown", "html"]) {
      const r = await cli(["report", "--format", format, "--as-of", "2024-06-30", "--no-progress"], repo.dir, repo.env);
      expect(r.code, r.stderr).toBe(0);
      for (const token of [inMessage, inTag]) {
        expect(r.stdout).not.toContain(token);
        expect(r.stderr).not.toContain(token);
        expect(r.stdout).toContain(redactedOf(token));
      }
    }
    const md = await cli(["report", "--as-of", "2024-06-30", "--no-progress"], repo.dir, repo.env);
    // Dated by the commit that carried it; a message is history, not a file at HEAD.
    expect(md.stdout).toContain("2 credentials exposed in the repository's history");
    expect(md.stdout).toContain("0 still present at HEAD");
    expect(md.stdout).toMatch(/`ghp_[^`]*` GitHub personal access token \(classic\) [^\n]*\| 2024-01-10 \|[^\n]*in-commit-message/);
    expect(md.stdout).toMatch(/`ghp_[^`]*` GitHub personal access token \(classic\) [^\n]*in-tag-message/);
  });
});
