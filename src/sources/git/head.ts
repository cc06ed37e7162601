// The blobs at HEAD under given paths, as units: how history tells whether a credential is still in
// the tree. Any copy of a credential at HEAD was added by some commit reachable from HEAD at the path
// where it now is, so only the paths where history added a credential need to be read.
import type { Source, SourceItem } from "../source.js";
import { CatFile } from "./cat-file.js";
import { LineSplitter } from "./line-splitter.js";
import { runGit, startGit } from "./process.js";

const NAMED_PATHS = 256;

export class HeadBlobsSource implements Source {
  readonly name = "HEAD";

  constructor(private readonly o: { cwd: string; env?: NodeJS.ProcessEnv; paths: ReadonlySet<string> }) {}

  async *items(): AsyncGenerator<SourceItem> {
    const { cwd, env, paths } = this.o;
    const blobs: { path: string; oid: string }[] = [];
    // An unborn HEAD lists nothing (git exits 128): no blob is at HEAD. A few paths are named to git,
    // literally, so that a large tree is not listed whole; many would not fit on a command line.
    const named = paths.size <= NAMED_PATHS ? ["--", ...paths] : [];
    const ls = startGit([...(named.length ? ["--literal-pathspecs"] : []), "ls-tree", "-r", "-z", "--full-tree", "HEAD", ...named], { cwd, env });
    ls.child.stdin.end();
    // Entries are "<mode> <type> <oid>\t<path>\0".
    const split = new LineSplitter(0);
    const onEntry = (buf: Buffer, start: number, end: number) => {
      const entry = buf.subarray(start, end);
      const tab = entry.indexOf(9);
      if (tab < 0) return;
      const path = entry.subarray(tab + 1).toString("utf8");
      const [, type, oid] = entry.subarray(0, tab).toString("latin1").split(" ");
      if (type === "blob" && oid && paths.has(path)) blobs.push({ path, oid });
    };
    for await (const chunk of ls.stdout) split.push(chunk, onEntry);
    split.end(onEntry);
    await ls.done;
    if (!blobs.length) return;
    const cat = new CatFile({ cwd, env });
    let done = false;
    try {
      cat.request(blobs.map((b) => b.oid));
      for (const b of blobs) {
        const obj = await cat.read();
        if ("content" in obj) yield { target: { path: b.path, blob: b.oid }, content: { kind: "bytes", data: obj.content } };
      }
      await cat.close();
      done = true;
    } finally {
      if (!done) cat.kill();
    }
  }
}

/** Every path in HEAD's tree (empty without a HEAD): whether a file name found in history is still there. */
export async function pathsAtHead(cwd: string, env?: NodeJS.ProcessEnv): Promise<Set<string>> {
  const r = await runGit(["ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD"], { cwd, env, okCodes: [128] });
  return new Set(r.code === 0 ? r.stdout.toString("utf8").split("\0").filter(Boolean) : []);
}
