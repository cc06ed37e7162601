// The formats that open a unit into units of their own (see `UnitOpener` in source.ts). A new one is
// its module plus a line here; the first that claims a unit opens it.
import type { ScanUnit, UnitOpener } from "./source.js";

export const UNIT_OPENERS: readonly UnitOpener[] = [];

/** The opener for `unit`, if any format claims it. */
export function openerFor(unit: ScanUnit, openers: readonly UnitOpener[] = UNIT_OPENERS): UnitOpener | undefined {
  for (const o of openers) if (o.claims(unit)) return o;
  return undefined;
}
