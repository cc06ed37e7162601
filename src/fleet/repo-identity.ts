// A repository's name as keyfence writes it anywhere: clone URLs may carry credentials in their
// userinfo (https://x-access-token:ghp_…@github.com/org/repo) or in a query string, so every name is
// derived from the location with those removed. The credentialed form is never stored or printed;
// cloning gets credentials from git's own mechanisms (credential helper, http.extraHeader, ssh agent).
import { nodeCrypto } from "../deferred-imports.js";
import { isAbsolute, resolve } from "node:path";

export interface RepoIdentity {
  /** Stable key: `host/path` for URLs (no scheme, no `.git`), the absolute path for local repositories. */
  id: string;
  /** Where to clone from, credentials removed. */
  location: string;
  kind: "url" | "path";
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** scp-like ssh syntax: `git@host:org/repo.git` (a user name there is not a secret). */
const SCP = /^([^/@:\s]+@)?([^/:\s]+):(?!\/\/)(.+)$/;

/** Removes what can authenticate: all userinfo for http(s) and git, the password for ssh; query and fragment. */
export function withoutCredentials(url: string): string {
  const m = SCHEME.exec(url);
  if (!m) return url;
  const scheme = m[1]!.toLowerCase();
  const rest = url.slice(m[0].length);
  const slash = rest.indexOf("/");
  let authority = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? "" : rest.slice(slash);
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    const host = authority.slice(at + 1);
    const user = userinfo.split(":")[0]!;
    // An ssh user name is needed to connect and proves nothing; anything else in userinfo may be a token.
    authority = scheme === "ssh" || scheme === "git+ssh" ? `${user}@${host}` : host;
  }
  path = path.replace(/[?#].*$/, "");
  return `${m[0].slice(0, -3)}://${authority}${path}`;
}

function idOfUrl(clean: string): string {
  const scp = SCHEME.test(clean) ? undefined : SCP.exec(clean);
  const hostPath = scp ? `${scp[2]}/${scp[3]}` : clean.replace(SCHEME, "").replace(/^[^@/]*@/, "");
  const [host = "", ...rest] = hostPath.split("/");
  return [host.toLowerCase().replace(/:\d+$/, ""), ...rest].join("/").replace(/\/+$/, "").replace(/\.git$/, "");
}

/** Identity of one entry of a repository list (a URL, scp-like address, or a path relative to `base`). */
export function identify(entry: string, base: string): RepoIdentity {
  if (SCHEME.test(entry) && !entry.toLowerCase().startsWith("file://")) {
    const location = withoutCredentials(entry);
    return { id: idOfUrl(location), location, kind: "url" };
  }
  if (!isAbsolute(entry) && !entry.startsWith(".") && SCP.test(entry)) {
    return { id: idOfUrl(entry), location: entry, kind: "url" };
  }
  const path = entry.toLowerCase().startsWith("file://") ? decodeURIComponent(entry.slice(7)) : entry;
  const abs = resolve(base, path).replace(/\/+$/, "");
  return { id: abs, location: abs, kind: "path" };
}

/** A file name for a repository's results and mirror: readable, and unique by a hash of its id. */
export function slugOf(id: string): string {
  const readable = id.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(-60) || "repo";
  return `${readable}-${nodeCrypto().createHash("sha256").update(id).digest("hex").slice(0, 10)}`;
}
