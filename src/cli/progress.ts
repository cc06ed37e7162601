// One progress line on stderr for work that can take more than a second (a large scan, a history):
// counts (with a total when it is cheap to know), bytes, rate, ETA, redrawn in place. Only on a
// terminal and never in CI logs, unless --progress forces it; --no-progress turns it off. No
// dependency: a redrawn line is a few dozen lines of code, and every package adds install time to the
// Action and the hooks.
import { runGit } from "../sources/git/process.js";
import { detectCi } from "../ci/environment.js";
import type { CliIO } from "./io.js";

export interface ProgressFlags {
  progress?: boolean;
  "no-progress"?: boolean;
  quiet?: boolean;
}

/** Whether a progress line belongs on this stderr. */
export function progressWanted(flags: ProgressFlags, io: CliIO): boolean {
  if (flags["no-progress"]) return false;
  if (flags.progress) return true;
  if (flags.quiet || io.stderr.isTTY !== true) return false;
  const ci = io.env.CI;
  if ((ci !== undefined && ci !== "" && ci !== "false" && ci !== "0") || detectCi(io.env)) return false;
  return io.env.TERM !== "dumb";
}

const number = (n: number) => Math.round(n).toLocaleString("en-US");

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export interface ProgressState {
  /** Units done (files, commits). */
  done: number;
  bytes: number;
}

/** The line for a state, `elapsed` seconds in; pure, so it is tested without a terminal. */
export function progressText(label: string, unit: string, state: ProgressState, elapsed: number, total?: number): string {
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    const shown = Math.min(state.done, total);
    parts.push(`${number(shown)}/${number(total)} ${unit} (${Math.floor((shown / total) * 100)}%)`);
  } else {
    parts.push(`${number(state.done)} ${unit}`);
  }
  parts.push(formatBytes(state.bytes));
  if (elapsed >= 0.5) {
    parts.push(`${formatBytes(state.bytes / elapsed)}/s`);
    if (unit === "commits") parts.push(`${number(state.done / elapsed)} ${unit}/s`);
    if (total !== undefined && total > 0 && state.done > 0 && state.done < total) parts.push(`ETA ${formatSeconds(((total - state.done) * elapsed) / state.done)}`);
  }
  parts.push(formatSeconds(elapsed));
  return `${label}: ${parts.join(" · ")}`;
}

const CLEAR = "\r\x1b[K";

/** A line redrawn at most every 100 ms (and every 250 ms while nothing moves, for the clock). */
export class ProgressLine {
  private readonly state: ProgressState = { done: 0, bytes: 0 };
  private readonly started: number;
  private total: number | undefined;
  private drawn = false;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly write: (s: string) => unknown;
  private readonly original: CliIO["stderr"]["write"];

  constructor(
    private readonly io: CliIO,
    private readonly label: string,
    private readonly unit: string,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.original = io.stderr.write;
    const raw = io.stderr.write.bind(io.stderr);
    this.write = raw;
    // Warnings go above the line: clear it first, redraw on the next tick.
    io.stderr.write = (s: string) => {
      if (this.drawn) {
        raw(CLEAR);
        this.drawn = false;
      }
      return raw(s);
    };
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  setTotal(total: number | undefined): void {
    this.total = total;
    if (this.drawn) this.draw();
  }

  /**
   * Takes the total from `count` when it comes: waits for it up to `waitMs` before the work starts
   * (a `git rev-list --count` is usually there in milliseconds), and fills it in later otherwise.
   */
  async totalFrom(count: Promise<number | undefined>, waitMs = 500): Promise<void> {
    void count.then((n) => this.setTotal(n));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([count, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  /** Adds to the counts and redraws when due. */
  add(done: number, bytes: number): void {
    this.state.done += done;
    this.state.bytes += bytes;
    if (this.now() - this.lastDraw >= 100) this.draw();
  }

  /** Sets the counts (sources that keep their own running totals). */
  set(done: number, bytes: number): void {
    this.state.done = done;
    this.state.bytes = bytes;
    if (this.now() - this.lastDraw >= 100) this.draw();
  }

  private draw(): void {
    this.lastDraw = this.now();
    const columns = (this.io.stderr as { columns?: number }).columns;
    const width = columns && columns > 20 ? columns : 100;
    const text = progressText(this.label, this.unit, this.state, (this.lastDraw - this.started) / 1000, this.total);
    this.write(`${CLEAR}${[...text].slice(0, Math.max(20, width - 1)).join("")}`);
    this.drawn = true;
  }

  /** Erases the line and stops the clock; what follows starts on a clean line. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.write(CLEAR);
    this.drawn = false;
    this.io.stderr.write = this.original;
  }
}

/** A progress line when wanted, else undefined (callers use `?.`). */
export function startProgress(flags: ProgressFlags, io: CliIO, label: string, unit: string): ProgressLine | undefined {
  return progressWanted(flags, io) ? new ProgressLine(io, label, unit) : undefined;
}

/** The number of commits `git rev-list` would walk for these arguments: the total a history scan works towards. */
export async function countCommits(cwd: string, env: NodeJS.ProcessEnv, revArgs: readonly string[]): Promise<number | undefined> {
  try {
    const { stdout } = await runGit(["rev-list", "--count", ...revArgs], { cwd, env });
    const n = Number(stdout.toString("utf8").trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    // Only a progress total: the scan itself reports what git cannot do.
    return undefined;
  }
}

/** The revisions a range or history scan walks, as `git rev-list` takes them (mirrors the git source's `log` arguments). */
export function revisionArgs(o: { range?: string; all?: boolean; since?: string; firstParent?: boolean }): string[] {
  const revs = o.range !== undefined ? [o.range] : o.all ? [] : ["HEAD"];
  return [...(o.firstParent ? ["--first-parent"] : []), ...(o.since !== undefined ? [`--since=${o.since}`] : []), ...(o.range === undefined && o.all ? ["--all"] : []), "--end-of-options", ...revs];
}

/** Findings passed through unchanged; the progress line is cleared when they end (or the consumer stops). */
export async function* endingProgress<T>(items: AsyncIterable<T>, progress: ProgressLine | undefined): AsyncGenerator<T> {
  try {
    yield* items;
  } finally {
    progress?.finish();
  }
}
