// Modules loaded on first use. A pre-commit scan of a few named files needs no glob matcher and no
// archive reader, and loading them at start-up cost a visible share of its time; node:crypto (3–5 ms
// to load) is needed only once something is digested or drawn.
import { createRequire } from "node:module";
import type Picomatch from "picomatch";

const require = createRequire(import.meta.url);

export const picomatch = ((...args: Parameters<typeof Picomatch>) => (require("picomatch") as typeof Picomatch)(...args)) as typeof Picomatch;

/** tar-stream, for the first tar archive a scan meets. */
export const tarStream = (): typeof import("tar-stream") => require("tar-stream") as typeof import("tar-stream");

/** yauzl, for the first zip archive a scan meets. */
export const yauzl = (): typeof import("yauzl") => require("yauzl") as typeof import("yauzl");

/** node:crypto, for the first digest, HMAC or random key a run needs. */
export const nodeCrypto = (): typeof import("node:crypto") => require("node:crypto") as typeof import("node:crypto");
