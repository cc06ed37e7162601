import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = require("../package.json") as { version: string; homepage?: string };

export const VERSION: string = pkg.version;
export const TOOL = { name: "keyfence" as const, version: pkg.version, informationUri: pkg.homepage ?? "https://github.com/keyfence/keyfence" };
