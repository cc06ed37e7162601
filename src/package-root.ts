// The installed package's own folder, found from this module's location. The compiled modules sit
// one folder below it (dist/x.js, src/x.ts under the tests) or two (dist/bundle/ for the CLI bundle,
// dist/engine/…): a fixed "../.." would be right for some and wrong for others, so it is looked up.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "rules"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`keyfence's package folder (package.json and rules/) was not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = find();

/** A file of the installed package by its path inside the package (e.g. "schema/config.schema.json"). */
export const packageFile = (path: string): string => join(PACKAGE_ROOT, path);
