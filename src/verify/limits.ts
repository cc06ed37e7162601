// Politeness towards providers and the network: at most `concurrency` requests in flight overall,
// and requests to one host spaced by `perHostIntervalMs` after a small burst, so a scan with many
// findings never looks like credential stuffing from the runner's address.

export interface LimitOptions {
  concurrency: number;
  perHostIntervalMs: number;
  perHostBurst: number;
}

export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Per host, a token bucket whose level may go negative: each waiting request holds a reservation. */
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(private readonly options: LimitOptions) {}

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const wait = this.reserve(host);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A finished request hands its slot straight to the next waiter, so none can be overtaken.
    if (this.active >= this.options.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Milliseconds until this request's turn at `host`. */
  private reserve(host: string): number {
    const now = Date.now();
    const interval = Math.max(1, this.options.perHostIntervalMs);
    const b = this.buckets.get(host) ?? { tokens: this.options.perHostBurst, updated: now };
    b.tokens = Math.min(this.options.perHostBurst, b.tokens + (now - b.updated) / interval) - 1;
    b.updated = now;
    this.buckets.set(host, b);
    return b.tokens >= 0 ? 0 : Math.ceil(-b.tokens * interval);
  }
}
