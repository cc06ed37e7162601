// A local repository's refs read from its files must give exactly ls-remote's digest (so an
// unchanged repository is recognised without starting git), and every ref change must change it;
// where the files cannot be read as git would, the reader declines and ls-remote is asked.
import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TempRepo, cleanupTempDirs } from "./helpers/git-repo.js";
import { localAdvertisedRefs } from "../src/fleet/local-refs.js";
import { remoteRefsDigests } from "../src/fleet/mirror.js";

afterAll(cleanupTempDirs);

/** The digest by reading files (an absolute path) and by ls-remote (the same repository as a file:// URL). */
async function bothDigests(dir: string, env: NodeJS.ProcessEnv): Promise<[string | undefined, string | undefined]> {
  const [byFiles, byGit] = await remoteRefsDigests([dir, pathToFileURL(dir).href], { env });
  return [byFiles, byGit];
}

function busyRepo(): TempRepo {
  const r = TempRepo.init();
  r.write("a.txt", "one\n");
  r.git("add", ".");
  r.commit("first");
  r.git("tag", "v1");
  r.git("tag", "-a", "v1-annotated", "-m", "release");
  r.git("branch", "feature/nested/deep");
  r.write("a.txt", "two\n");
  r.git("add", ".");
  r.commit("second");
  r.git("update-ref", "refs/pull/7/head", "HEAD~1");
  r.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/main");
  return r;
}

describe("local refs", () => {
  it("equals ls-remote on loose refs, packed refs, loose over packed, annotated tags and symbolic refs", async () => {
    const r = busyRepo();
    const [loose, looseGit] = await bothDigests(r.dir, r.env);
    expect(localAdvertisedRefs(r.dir)).toBeDefined();
    expect(loose).toBe(looseGit);

    r.git("pack-refs", "--all");
    const [packed, packedGit] = await bothDigests(r.dir, r.env);
    expect(packed).toBe(packedGit);
    expect(packed).toBe(loose);

    // A loose ref written after packing overrides its packed line.
    r.write("b.txt", "three\n");
    r.git("add", ".");
    r.commit("third");
    const [moved, movedGit] = await bothDigests(r.dir, r.env);
    expect(moved).toBe(movedGit);
    expect(moved).not.toBe(packed);

    // Deleting a packed ref rewrites packed-refs.
    r.git("tag", "-d", "v1");
    const [deleted, deletedGit] = await bothDigests(r.dir, r.env);
    expect(deleted).toBe(deletedGit);
    expect(deleted).not.toBe(moved);
  });

  it("equals ls-remote on a bare mirror", async () => {
    const r = busyRepo();
    const bare = join(r.dir, "..", `${r.dir.split("/").pop()}-mirror.git`);
    r.git("clone", "-q", "--mirror", r.dir, bare);
    const [byFiles, byGit] = await remoteRefsDigests([bare, pathToFileURL(bare).href], { env: r.env });
    expect(localAdvertisedRefs(bare)).toBeDefined();
    expect(byFiles).toBe(byGit);
  });

  it("declines what it cannot read as git would: a ref being written, a broken symbolic ref, hidden refs, a .git file", () => {
    const locked = busyRepo();
    writeFileSync(join(locked.dir, ".git/refs/heads/main.lock"), "0".repeat(40) + "\n");
    expect(localAdvertisedRefs(locked.dir)).toBeUndefined();

    const dangling = busyRepo();
    dangling.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/gone");
    expect(localAdvertisedRefs(dangling.dir)).toBeUndefined();

    const hidden = busyRepo();
    hidden.git("config", "uploadpack.hideRefs", "refs/pull");
    expect(localAdvertisedRefs(hidden.dir)).toBeUndefined();

    const linked = busyRepo();
    const wt = join(linked.dir, "..", `${linked.dir.split("/").pop()}-wt`);
    linked.git("worktree", "add", "-q", wt, "feature/nested/deep");
    expect(localAdvertisedRefs(wt)).toBeUndefined();

    const garbage = busyRepo();
    writeFileSync(join(garbage.dir, ".git/refs/heads/odd"), "not an object id\n");
    expect(localAdvertisedRefs(garbage.dir)).toBeUndefined();
  });
});
