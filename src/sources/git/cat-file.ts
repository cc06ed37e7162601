// `git cat-file --batch`: one long-lived git process that returns objects by id, in request order.
// Requests use object ids only (never `rev:path`), so no file name can break the line protocol.
import { startGit, GitFailure, type GitCallOptions, type GitProcess } from "./process.js";

export type CatFileResult = { oid: string; type: string; size: number; content: Buffer } | { oid: string; missing: true } | { oid: string; skipped: true; size: number };

export class CatFile {
  private readonly proc: GitProcess;
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(options: GitCallOptions) {
    this.proc = startGit(["cat-file", "--batch"], options);
    this.it = this.proc.stdout[Symbol.asyncIterator]();
  }

  /** Queues requests; answers are read back with `read()` in the same order. */
  request(oids: readonly string[]): void {
    if (oids.length) this.proc.child.stdin.write(oids.map((o) => `${o}\n`).join(""));
  }

  /** The next answer; content larger than `maxSize` bytes is read past and not kept. */
  async read(maxSize = Infinity): Promise<CatFileResult> {
    const header = (await this.readLine()).toString("latin1");
    const parts = header.split(" ");
    const oid = parts[0] ?? "";
    if (parts[1] === "missing" || parts[1] === "ambiguous") return { oid, missing: true };
    const size = Number(parts[2]);
    if (parts.length !== 3 || !Number.isSafeInteger(size)) throw new Error(`unexpected cat-file header "${header.slice(0, 80)}"`);
    if (size > maxSize) {
      await this.skip(size + 1);
      return { oid, skipped: true, size };
    }
    const content = await this.take(size + 1);
    return { oid, type: parts[1]!, size, content: content.subarray(0, size) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.proc.child.stdin.end();
    // Drain what is left so git can exit.
    for (let r = await this.it.next(); !r.done; r = await this.it.next());
    const { code, stderr } = await this.proc.done;
    if (code !== 0) throw new GitFailure(["cat-file"], code, stderr);
  }

  /** Ends the process without waiting for answers (after an error elsewhere). */
  kill(): void {
    this.closed = true;
    this.proc.child.kill();
  }

  private async fill(): Promise<void> {
    const r = await this.it.next();
    if (r.done) {
      const { code, stderr } = await this.proc.done;
      throw new GitFailure(["cat-file"], code || 1, stderr || "git cat-file ended early");
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
  }

  private async readLine(): Promise<Buffer> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl !== -1) {
        const line = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      await this.fill();
    }
  }

  private async take(n: number): Promise<Buffer> {
    if (this.buf.length >= n) {
      const out = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      return out;
    }
    const parts: Buffer[] = [this.buf];
    let have = this.buf.length;
    this.buf = Buffer.alloc(0);
    while (have < n) {
      const r = await this.it.next();
      if (r.done) throw new GitFailure(["cat-file"], 1, "git cat-file ended early");
      parts.push(r.value);
      have += r.value.length;
    }
    const all = Buffer.concat(parts);
    this.buf = all.subarray(n);
    return all.subarray(0, n);
  }

  private async skip(n: number): Promise<void> {
    while (this.buf.length < n) {
      n -= this.buf.length;
      this.buf = Buffer.alloc(0);
      const r = await this.it.next();
      if (r.done) throw new GitFailure(["cat-file"], 1, "git cat-file ended early");
      this.buf = r.value;
    }
    this.buf = this.buf.subarray(n);
  }
}
