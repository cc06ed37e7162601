// Third-party modules loaded on first use. A pre-commit scan of a few named files needs no glob
// matcher, and loading it at start-up cost a visible share of its time.
import { createRequire } from "node:module";
import type Picomatch from "picomatch";

const require = createRequire(import.meta.url);

export const picomatch = ((...args: Parameters<typeof Picomatch>) => (require("picomatch") as typeof Picomatch)(...args)) as typeof Picomatch;
