// The formats that open a unit into units of their own (see `UnitOpener` in source.ts). A new one is
// its module plus a line here; the first that claims a unit opens it.
import type { ScanUnit, UnitOpener } from "./source.js";
import { archiveOpener } from "./archive/opener.js";
import { imageBlobOpener } from "./image/opener.js";
import { notebookOpener } from "./notebook/notebook.js";

// Image blobs first: a layer blob has no extension, and only its place in an image says what it is.
export const UNIT_OPENERS: readonly UnitOpener[] = [imageBlobOpener, notebookOpener, archiveOpener];

/** The opener for `unit`, if any format claims it. */
export function openerFor(unit: ScanUnit, openers: readonly UnitOpener[] = UNIT_OPENERS): UnitOpener | undefined {
  for (const o of openers) if (o.claims(unit)) return o;
  return undefined;
}
