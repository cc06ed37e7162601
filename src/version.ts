import { createRequire } from "node:module";
import { packageFile } from "./package-root.js";

const require = createRequire(import.meta.url);
const pkg = require(packageFile("package.json")) as { version: string; homepage?: string };

export const VERSION: string = pkg.version;
export const TOOL = { name: "keyfence" as const, version: pkg.version, informationUri: pkg.homepage ?? "https://github.com/keyfence/keyfence" };
