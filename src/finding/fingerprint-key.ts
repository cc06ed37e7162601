// Where a repository's fingerprint key lives. One 256-bit key per repository, the same on every
// developer's machine and in CI, so baselines and code-scanning fingerprints match everywhere; kept
// out of every report and out of the repository itself (a leaked report, mirror or fork must not be
// enough to test guesses against a digest). In order:
//
//   1. KEYFENCE_FINGERPRINT_KEY — 64 hex characters (or base64 of 32 bytes): CI sets it from a secret.
//   2. <git common dir>/keyfence/fingerprint.key — the clone's copy (mode 600, never committed), written
//      by `keyfence key import` with the repository's key, or drawn on first use.
//   3. Outside a repository: the user's key, $XDG_CONFIG_HOME/keyfence/fingerprint.key (drawn on first use).
//   4. Where nothing can be written: a key drawn for this run.
// A baseline records which key it was written with (keyId), so a run with another key — a developer
// who has not imported the repository's key, CI without the secret — refuses it in one line naming the
// fix instead of reporting every accepted finding as new.
import { nodeCrypto } from "../deferred-imports.js";
import { spawnSync } from "node:child_process";
import { constants, existsSync, mkdirSync, openSync, closeSync, readFileSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { KeyfenceError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import { keyId } from "./fingerprint.js";

export const KEY_ENV = "KEYFENCE_FINGERPRINT_KEY";

export type KeySource = "environment" | "repository" | "user" | "run";

export interface FingerprintKey {
  key: Buffer;
  /** Public name of the key (8 hex), written into baselines. */
  id: string;
  source: KeySource;
  /** The key file, when the key is the clone's. */
  file?: string;
}

/** Parses a key as given by a person or a CI secret: 64 hex characters, or base64 of 32 bytes. */
export function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) {
    const b = Buffer.from(t, "base64");
    if (b.length === 32) return b;
  }
  // The value is never echoed: it is meant to be a secret.
  throw new KeyfenceError("a fingerprint key is 64 hex characters (32 bytes; 'keyfence key init' makes one)", { subject: where });
}

/**
 * The repository's git folder shared by all its work trees, or undefined outside a repository. The
 * usual layouts (a `.git` folder, a `.git` file pointing at a work tree's git folder with its
 * `commondir`) are read directly — a pre-commit run pays for no extra git process; anything else
 * (GIT_DIR, bare repositories) asks git.
 */
export function gitCommonDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GIT_DIR && !env.GIT_COMMON_DIR) {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      const dotGit = join(dir, ".git");
      let stats;
      try {
        stats = statSync(dotGit);
      } catch {
        if (dirname(dir) === dir) break;
        continue;
      }
      let gitDir = dotGit;
      if (stats.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
        if (!m) break;
        gitDir = resolve(dir, m[1]!);
      }
      const common = join(gitDir, "commondir");
      if (existsSync(common)) return resolve(gitDir, readFileSync(common, "utf8").trim());
      if (existsSync(join(gitDir, "HEAD"))) return gitDir;
      break;
    }
  }
  const r = spawnSync("git", ["rev-parse", "--git-common-dir"], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  if (r.status !== 0) return undefined;
  const dir = r.stdout.trim();
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

export function keyFileIn(gitDir: string): string {
  return join(gitDir, "keyfence", "fingerprint.key");
}

/** Writes a key file readable by its owner only; refuses to overwrite one. */
export function writeKeyFile(file: string, key: Buffer): void {
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyfenceError(code === "EEXIST" ? "a fingerprint key already exists here (baselines depend on it; remove it by hand to replace it)" : `cannot write the fingerprint key (${code ?? "error"})`, { file });
  }
  try {
    writeSync(fd, `${key.toString("hex")}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The user's key file, for folders outside any repository. */
export function userKeyFile(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME || homedir();
  const base = env.XDG_CONFIG_HOME || (home ? join(home, ".config") : undefined);
  return base ? join(base, "keyfence", "fingerprint.key") : undefined;
}

/**
 * A key with its public id worked out on first use: the id is an HMAC, and a run that writes no
 * baseline and reports nothing (most pre-commit runs) would load node:crypto for it alone.
 */
function withId(key: Buffer, source: KeySource, file?: string): FingerprintKey {
  let id: string | undefined;
  return {
    key,
    get id() {
      return (id ??= keyId(key));
    },
    source,
    ...(file !== undefined && { file }),
  };
}

/** The key in `file`, drawn and written there first when there is none (undefined if it cannot be). */
function keyFrom(file: string, source: KeySource, create: boolean): FingerprintKey | undefined {
  if (existsSync(file)) {
    const key = parseKey(readRegularFile(file, "fingerprint key").toString("utf8"), file);
    return withId(key, source, file);
  }
  if (!create) return undefined;
  const key = nodeCrypto().randomBytes(32);
  try {
    writeKeyFile(file, key);
  } catch {
    // A read-only clone or home still scans, with a key for this run.
    return undefined;
  }
  return withId(key, source, file);
}

/** The key a run uses (see the header); `create: false` only reads (for 'keyfence key'). */
export function resolveFingerprintKey(cwd: string, env: NodeJS.ProcessEnv, options: { create?: boolean } = {}): FingerprintKey {
  const fromEnv = env[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") {
    const key = parseKey(fromEnv, KEY_ENV);
    return withId(key, "environment");
  }
  const create = options.create ?? true;
  const gitDir = gitCommonDir(cwd, env);
  const user = userKeyFile(env);
  const found = gitDir ? keyFrom(keyFileIn(gitDir), "repository", create) : user ? keyFrom(user, "user", create) : undefined;
  if (found) return found;
  const key = nodeCrypto().randomBytes(32);
  return withId(key, "run");
}
