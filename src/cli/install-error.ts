// A broken install (a dist/ module or a package missing, re2's native binary not built) surfaces as a
// module-loading error deep inside a command. It is named for what it is, in one line, so a hook or a
// CI step says "keyfence itself is broken" instead of printing a stack or passing.

const LOADING_CODES = new Set(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND", "ERR_DLOPEN_FAILED", "ERR_UNKNOWN_FILE_EXTENSION"]);

/** The one-line reason when `err` is a failure to load part of keyfence or its dependencies. */
export function installProblem(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : "";
  const message = err instanceof Error ? err.message.split("\n")[0]! : String(err);
  if (!LOADING_CODES.has(code) && !/\.node\b.*(cannot open|No such file)|Cannot find module .*\.node/i.test(message)) return undefined;
  const what = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1] ?? message;
  return `keyfence is not installed correctly: cannot load ${what.replace(/^.*\/(node_modules|dist)\//, "$1/")} (reinstall it: npm ci); nothing was scanned`;
}
