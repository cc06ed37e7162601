// How far an archive is opened. Each limit is a guard against a hostile archive (a zip bomb, a
// nesting loop, millions of empty entries); whatever a limit stops is reported as not scanned, so
// the scan is incomplete (exit 2) and never looks clean.

export interface ArchiveLimits {
  /** Archives inside archives are opened to this many levels (an archive given to scan is level 1). */
  maxDepth: number;
  /** Entries read from one top-level archive, at all levels together. */
  maxEntries: number;
  /** Uncompressed bytes read from one top-level archive, at all levels together. */
  maxTotalBytes: number;
  /** An entry held in memory to be scanned (or opened, for a zip inside an archive) may be this large. */
  maxEntryBytes: number;
  /** Uncompressed / compressed size above which an entry is a bomb, once it is over RATIO_FLOOR bytes. */
  maxRatio: number;
}

/** Small entries compress as well as they like: the ratio only counts above this size. */
export const RATIO_FLOOR = 1024 * 1024;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 5,
  maxEntries: 100_000,
  maxTotalBytes: 4 * 1024 ** 3,
  maxEntryBytes: 50 * 1024 * 1024,
  maxRatio: 200,
};

/** What one top-level archive has used of its limits so far (shared by every level inside it). */
export class ArchiveBudget {
  entries = 0;
  bytes = 0;
  /** `includes`: the run's globs, for entries that must be known to be scanned before they are yielded (streams). */
  constructor(
    readonly limits: ArchiveLimits,
    readonly includes: (path: string) => boolean = () => true,
  ) {}
}

/** A limit that stopped reading: the message is the notice's reason. */
export class ArchiveLimitError extends Error {}
