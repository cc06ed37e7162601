// A rotation report over a history that could not be read in full says so in the document itself:
// the auditor who receives the file never sees the console warnings.
import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { TempRepo, cleanupTempDirs, cli, tempDir } from "./helpers/git-repo.js";
import { positive } from "./helpers/secrets.js";

afterAll(cleanupTempDirs);

describe("keyfence report on a shallow clone", () => {
  it("states that the history is incomplete, in Markdown and in HTML", async () => {
    const origin = TempRepo.init();
    origin.commitFile("a.txt", "a\n", "first", "2024-01-01T00:00:00Z");
    origin.commitFile("pay.env", `${positive("stripe-secret-key-live", 0, "#shallow")}\n`, "second", "2024-02-01T00:00:00Z");
    const dir = join(tempDir(), "shallow");
    origin.git("clone", "-q", "--depth", "1", `file://${origin.dir}`, dir);
    const shallow = new TempRepo(dir, origin.env);
    const md = await cli(["report", "--format", "markdown", "--as-of", "2024-06-30"], shallow.dir, shallow.env);
    expect(md.stdout).toMatch(/> \*\*Incomplete history\.\*\* This report covers only what could be read:\n> - .*shallow clone/);
    expect(md.stdout).toContain("Stripe live secret key");
    const html = await cli(["report", "--format", "html", "--as-of", "2024-06-30"], shallow.dir, shallow.env);
    expect(html.stdout).toMatch(/<aside class="incomplete"><strong>Incomplete history\.<\/strong>.*shallow clone/s);
    // A complete history carries no such notice.
    const full = await cli(["report", "--format", "markdown", "--as-of", "2024-06-30"], origin.dir, origin.env);
    expect(full.stdout).not.toContain("Incomplete history");
  });
});
