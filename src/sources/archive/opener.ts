// Archives as a unit opener (src/sources/openers.ts): a zip, tar, tar.gz/tgz or gz unit from any
// source — a file in a folder, a staged blob, an entry of another archive — is scanned entry by
// entry. Claimed by name, or by magic bytes when the unit's bytes are at hand.
import type { ScanUnit, Scope, SourceItem, UnitOpener } from "../source.js";
import { archiveFormat, MAGIC_BYTES } from "./format.js";
import { ArchiveBudget, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from "./limits.js";
import { archiveItems, type ArchiveInput } from "./read.js";

function head(unit: ScanUnit): Buffer | undefined {
  return unit.content.kind === "bytes" ? unit.content.data.subarray(0, MAGIC_BYTES) : undefined;
}

export function createArchiveOpener(limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): UnitOpener {
  return {
    name: "archive",
    claims: (unit) => archiveFormat(unit.target.path, head(unit)) !== undefined,
    /** `depth`: the level this unit opens at (1 for a file of a folder, as the orchestrator counts). */
    open(unit: ScanUnit, scope: Scope, depth: number): AsyncIterable<SourceItem> {
      const format = archiveFormat(unit.target.path, head(unit))!;
      const input: ArchiveInput = unit.content;
      // An entry held in memory is held to the scan's size limit as well (the scope's).
      const budget = new ArchiveBudget({ ...limits, maxEntryBytes: Math.min(limits.maxEntryBytes, scope.maxSize) }, scope.includes);
      return archiveItems(unit.target, format, input, Math.max(depth, 1), budget);
    },
  };
}

export const archiveOpener = createArchiveOpener();
