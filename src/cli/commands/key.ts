// `keyfence key`: the repository's fingerprint key (src/finding/fingerprint-key.ts). Baselines and
// code-scanning fingerprints match across machines only when every clone and CI use the same key, so
// one developer makes it and the others import it from the team's secret manager; CI reads it from the
// KEYFENCE_FINGERPRINT_KEY secret.
import { KeyfenceError } from "../../errors.js";
import { parse } from "../args.js";
import { KEY_ENV, gitCommonDir, keyFileIn, parseKey, resolveFingerprintKey, writeKeyFile } from "../../finding/fingerprint-key.js";
import { keyId, secretDigest } from "../../finding/fingerprint.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";

const OPTIONS = { help: { type: "boolean", short: "h" } } as const;

const USAGE = `Usage: keyfence key init|id|export|import|digest

The repository's fingerprint key: every digest of a secret that keyfence writes (fingerprints, the
secretDigest of JSON and baselines) is an HMAC under it, so a report cannot be used to test guesses of
a weak secret without it. It lives outside the repository: ${KEY_ENV} (CI), else the clone's
.git/keyfence/fingerprint.key (mode 600), drawn on first use. Use one key per repository everywhere, or
baselines written on one machine do not match on another.

init     make this clone's key if it has none, and print its id
id       print the id (public) of the key this clone uses, and where it comes from
export   print the key (a secret: put it in the CI secret ${KEY_ENV} and the team's secret manager)
import   read a key (64 hex characters) from standard input into this clone (refuses to replace one)
digest   read a value from standard input and print its keyed digest, for allowlist.secretDigests`;

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = "";
  for await (const chunk of stdin) text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
  return text;
}

export const keyCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { positionals } = parse("key", args, OPTIONS, true);
    const [action, ...extra] = positionals;
    if (extra.length) throw new KeyfenceError(`unexpected argument "${extra[0]}"`, { subject: "keyfence key" });
    switch (action) {
      case "init":
      case "id": {
        const k = resolveFingerprintKey(io.cwd, io.env, { create: action === "init" });
        const where = k.source === "environment" ? KEY_ENV : k.source === "run" ? "none stored: a key is drawn for each run" : k.file!;
        io.stdout.write(`${k.id}  ${where}\n`);
        return 0;
      }
      case "export": {
        const k = resolveFingerprintKey(io.cwd, io.env, { create: false });
        if (k.source === "run") throw new KeyfenceError("no key stored for this repository yet (keyfence key init)", { subject: "keyfence key export" });
        io.stdout.write(`${k.key.toString("hex")}\n`);
        return 0;
      }
      case "import": {
        const gitDir = gitCommonDir(io.cwd);
        if (!gitDir) throw new KeyfenceError("not a git repository: the imported key is kept in its .git folder", { file: io.cwd });
        const key = parseKey(await readAll(io.stdin), "keyfence key import");
        writeKeyFile(keyFileIn(gitDir), key);
        io.stdout.write(`${keyId(key)}  ${keyFileIn(gitDir)}\n`);
        return 0;
      }
      case "digest": {
        const k = resolveFingerprintKey(io.cwd, io.env);
        if (k.source === "run") throw new KeyfenceError("no key stored for this repository: a digest would mean nothing to the next run", { subject: "keyfence key digest" });
        const value = (await readAll(io.stdin)).replace(/\r?\n$/, "");
        if (!value) throw new KeyfenceError("give the value on standard input", { subject: "keyfence key digest" });
        io.stdout.write(`${secretDigest(k.key, value)}\n`);
        return 0;
      }
      default:
        throw new KeyfenceError(action ? `unknown action "${action}" (use init, id, export, import or digest)` : "say what to do: init, id, export, import or digest", { subject: "keyfence key" });
    }
  },
};

