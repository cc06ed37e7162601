// Third-party modules loaded on first use. A pre-commit scan of a few named files needs no glob
// matcher and no .gitignore parser, and loading them at start-up cost a visible share of its time.
import { createRequire } from "node:module";
import type Picomatch from "picomatch";
import type Ignore from "ignore";

const require = createRequire(import.meta.url);

export const picomatch = ((...args: Parameters<typeof Picomatch>) => (require("picomatch") as typeof Picomatch)(...args)) as typeof Picomatch;

export const ignore = ((...args: Parameters<typeof Ignore>) => (require("ignore") as typeof Ignore)(...args)) as typeof Ignore;
