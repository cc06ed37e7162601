// The key digests fall back to when no repository key is given: drawn once per process (per thread),
// so every engine and scanner of one run agrees on a secret's digest, and nothing outside the run can
// test guesses against it.
import { nodeCrypto } from "../deferred-imports.js";

let drawn: Buffer | undefined;

export function runKey(): Buffer {
  drawn ??= nodeCrypto().randomBytes(32);
  return drawn;
}
