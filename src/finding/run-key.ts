// The key digests fall back to when no repository key is given: drawn once per process (per thread),
// so every engine and scanner of one run agrees on a secret's digest, and nothing outside the run can
// test guesses against it.
import { randomBytes } from "node:crypto";

let drawn: Buffer | undefined;

export function runKey(): Buffer {
  drawn ??= randomBytes(32);
  return drawn;
}
