// Files whose whole purpose is to hold secrets (.env files, private keys, keystores) must never be
// committed: .gitignore must cover them and git must not track them. A credential inside an
// ordinary file is the scanner's job; these files are a risk by their name alone.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import { runGit } from "../sources/git/process.js";
import { listed, shellWord, type CheckResult, type DoctorContext } from "./check.js";

export interface SecretFileType {
  /** Glob on the file's base name. */
  glob: string;
  /** Base names that match the glob but are safe by convention (templates without values). */
  except?: string[];
  /** The .gitignore line(s) that cover it. */
  ignoreLines: string[];
  /** A name the .gitignore probe tries (nothing needs to exist under that name). */
  probe: string;
  /** Some files of this type are public (certificates in .pem): only a private key in it counts. */
  secretWhen?: RegExp;
}

const ENV_TEMPLATES = [".env.example", ".env.sample", ".env.template", ".env.dist"];

export const SECRET_FILE_TYPES: readonly SecretFileType[] = [
  { glob: ".env", ignoreLines: [".env"], probe: ".env" },
  { glob: ".env.*", except: ENV_TEMPLATES, ignoreLines: [".env.*", ...ENV_TEMPLATES.map((t) => `!${t}`)], probe: ".env.production" },
  { glob: "*.pem", ignoreLines: ["*.pem"], probe: "server.pem", secretWhen: /PRIVATE KEY/ },
  { glob: "*.key", ignoreLines: ["*.key"], probe: "server.key" },
  { glob: "*.p12", ignoreLines: ["*.p12"], probe: "client.p12" },
  { glob: "*.pfx", ignoreLines: ["*.pfx"], probe: "client.pfx" },
  { glob: "*.jks", ignoreLines: ["*.jks"], probe: "keystore.jks" },
  { glob: "*.keystore", ignoreLines: ["*.keystore"], probe: "release.keystore" },
  { glob: "*.ppk", ignoreLines: ["*.ppk"], probe: "deploy.ppk" },
  { glob: "id_rsa", ignoreLines: ["id_rsa"], probe: "id_rsa" },
  { glob: "id_dsa", ignoreLines: ["id_dsa"], probe: "id_dsa" },
  { glob: "id_ecdsa", ignoreLines: ["id_ecdsa"], probe: "id_ecdsa" },
  { glob: "id_ed25519", ignoreLines: ["id_ed25519"], probe: "id_ed25519" },
  { glob: "*.kdbx", ignoreLines: ["*.kdbx"], probe: "vault.kdbx" },
  { glob: ".pgpass", ignoreLines: [".pgpass"], probe: ".pgpass" },
  { glob: ".netrc", ignoreLines: [".netrc"], probe: ".netrc" },
];

const matchers = SECRET_FILE_TYPES.map((t) => ({ type: t, test: picomatch(t.glob, { dot: true }), except: new Set(t.except ?? []) }));

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The secret-bearing type of a path, if any (by base name; content decides for .pem). */
export function secretFileType(path: string, readContent?: () => string | undefined): SecretFileType | undefined {
  const name = baseName(path);
  const m = matchers.find((x) => x.test(name) && !x.except.has(name));
  if (!m) return undefined;
  if (m.type.secretWhen) {
    const text = readContent?.();
    if (text !== undefined && !m.type.secretWhen.test(text)) return undefined;
  }
  return m.type;
}

async function gitPaths(ctx: DoctorContext, args: string[]): Promise<string[]> {
  const { stdout } = await runGit(args, { cwd: ctx.root, env: ctx.env });
  return stdout.toString("utf8").split("\0").filter(Boolean);
}

/** Files of a secret-bearing type among `paths`, read from the work tree when content decides. */
function secretFiles(ctx: DoctorContext, paths: string[]): { path: string; type: SecretFileType }[] {
  const out: { path: string; type: SecretFileType }[] = [];
  for (const path of paths) {
    const type = secretFileType(path, () => {
      const abs = join(ctx.root, path);
      // A tracked file deleted from the work tree is still in the index: count it.
      return existsSync(abs) ? readFileSync(abs).subarray(0, 1 << 20).toString("latin1") : undefined;
    });
    if (type) out.push({ path, type });
  }
  return out;
}

function ignoreFix(types: SecretFileType[]): string {
  const lines = [...new Set(types.flatMap((t) => t.ignoreLines))];
  return `printf '%s\\n' ${lines.map(shellWord).join(" ")} >> .gitignore`;
}

/** Secret-bearing files that git tracks: they are in history already, whatever .gitignore says now. */
export async function trackedSecretFiles(ctx: DoctorContext): Promise<CheckResult> {
  const found = secretFiles(ctx, await gitPaths(ctx, ["ls-files", "-z", "--full-name", "--", ":/"]));
  const base = { id: "secret-files-tracked", title: "Secret files tracked by git" };
  if (!found.length) return { ...base, status: "pass", found: ["no .env, key or keystore files are tracked"] };
  const paths = found.map((f) => f.path);
  return {
    ...base,
    status: "fail",
    found: listed(paths.map((p) => `${p} is tracked`)),
    fix: `git rm --cached -- ${paths.map(shellWord).join(" ")} && ${ignoreFix(found.map((f) => f.type))}   # then rotate what they held: they stay in history (keyfence history)`,
  };
}

/**
 * .gitignore covers secret-bearing files: any such file in the work tree that is neither tracked nor
 * ignored is one `git add .` from a commit (fail); a type .gitignore does not cover is a warning.
 */
export async function ignoredSecretFiles(ctx: DoctorContext): Promise<CheckResult> {
  const base = { id: "secret-files-ignored", title: ".gitignore covers secret files" };
  const exposed = secretFiles(ctx, await gitPaths(ctx, ["ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/"]));
  const probes = SECRET_FILE_TYPES.map((t) => t.probe);
  // --no-index: the answer for the pattern, whether or not a file of that name is tracked.
  const { stdout } = await runGit(["check-ignore", "--no-index", "--stdin", "-z"], { cwd: ctx.root, env: ctx.env, input: probes.join("\0") + "\0", okCodes: [1] });
  const ignored = new Set(stdout.toString("utf8").split("\0").filter(Boolean));
  const uncovered = SECRET_FILE_TYPES.filter((t) => !ignored.has(t.probe));
  if (exposed.length) {
    const types = [...new Set([...exposed.map((f) => f.type), ...uncovered])];
    return {
      ...base,
      status: "fail",
      found: [...listed(exposed.map((f) => `${f.path} is not ignored (one 'git add .' from a commit)`)), ...(uncovered.length ? [`not covered: ${uncovered.map((t) => t.glob).join(", ")}`] : [])],
      fix: ignoreFix(types),
    };
  }
  if (uncovered.length) {
    return { ...base, status: "warn", found: [`no such files now, but .gitignore does not cover: ${uncovered.map((t) => t.glob).join(", ")}`], fix: ignoreFix(uncovered) };
  }
  return { ...base, status: "pass", found: [`.gitignore covers ${SECRET_FILE_TYPES.map((t) => t.glob).join(", ")}`] };
}
