// The keyword automaton of the built-in rule set, built once by `npm run build` and read at start-up:
// building it (and each keyword's rule lists) took 40–60 ms of every run, in every worker, which a
// pre-commit hook of a few files pays in full. The file is keyed by a digest of the keyword list it
// was built from (texts, case, rule indexes): a rule set that differs in any way (config that
// disables a rule, a custom pack) does not match and builds its own tables, so the file can only
// make a start faster, never change what is found.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageFile } from "../package-root.js";
import type { KeywordBytes } from "./compile.js";
import { idTables, type KeywordAutomaton } from "./keyword-automaton.js";

const FORMAT = 5;

/** Where the build writes the tables: dist/, from both src/engine (tests) and dist/engine. */
export const KEYWORD_TABLES_FILE = packageFile("dist/keyword-tables.bin");

export interface KeywordTables {
  keywordBytes: KeywordBytes[];
  automaton: KeywordAutomaton;
}

interface Header {
  format: number;
  digest: string;
  classCount: number;
  classes: number[];
  next: number;
  outputStart: number;
  outputs: number;
  keywords: { rules: number[]; checkCase: { text: string; rules: number[] }[] }[];
}

/**
 * Which keyword list (texts, case, rule indexes) a tables file was built from. It tells rule sets
 * apart; it guards against no one (the files are as trusted as the code beside them), so it is a
 * hash computed here: loading node:crypto for a SHA-256 of it cost every run 3–5 ms. Two 32-bit
 * FNV-1a lanes with different primes, and the text's length.
 */
export function keywordDigest(keywords: readonly { text: string; folded: boolean; rules: number[] }[]): string {
  let text = `keyword-tables ${FORMAT}\n`;
  for (const k of keywords) text += `${k.folded ? "i" : "s"} ${k.rules.join(",")} ${k.text}\n`;
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x9e3779b1) ^ (b >>> 13);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return `${hex(a)}${hex(b)}-${text.length.toString(16)}`;
}

/** The tables as one file: a JSON header's length, the header, then the Int32 arrays, 4-byte aligned. */
export function serialiseKeywordTables(digest: string, t: KeywordTables): Buffer {
  const a = t.automaton;
  const header: Header = {
    format: FORMAT,
    digest,
    classCount: a.classCount,
    classes: [...a.classes],
    next: a.next.length,
    outputStart: a.outputStart.length,
    outputs: a.outputs.length,
    keywords: t.keywordBytes.map((k) => ({ rules: k.rules, checkCase: k.checkCase.map((c) => ({ text: c.bytes.toString("utf8"), rules: c.rules })) })),
  };
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((4 - ((4 + json.length) % 4)) % 4, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const arrays = [a.next, a.outputStart, a.outputs].map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  return Buffer.concat([len, json, ...arrays]);
}

/**
 * The tables in `file` when they were built from exactly these keywords, else undefined (no file,
 * another version, another rule set). `keywords` are the rule set's, in its order.
 */
export function readKeywordTables(file: string, digest: string, keywords: readonly { text: string; folded: boolean }[]): KeywordTables | undefined {
  let data: Buffer;
  try {
    // The header leads with its digest (serialiseKeywordTables writes `format` then `digest`): a rule
    // set it was not built from (a decoder's inner set, a configured set) reads 256 bytes, not 1.5 MB.
    const head = Buffer.alloc(256);
    const fd = openSync(file, "r");
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    if (!head.includes(`"digest":"${digest}"`)) return undefined;
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const len = data.readUInt32LE(0);
    const header = JSON.parse(data.toString("utf8", 4, 4 + len)) as Header;
    if (header.format !== FORMAT || header.digest !== digest || header.keywords.length !== keywords.length) return undefined;
    // A copy: the file's buffer may come from Node's pool and not be aligned for Int32 views.
    const body = new Int32Array((data.length - 4 - len) / 4);
    new Uint8Array(body.buffer).set(data.subarray(4 + len));
    if (body.length !== header.next + header.outputStart + header.outputs) return undefined;
    const next = body.subarray(0, header.next);
    const outputStart = body.subarray(header.next, header.next + header.outputStart);
    const outputs = body.subarray(header.next + header.outputStart);
    const keywordBytes: KeywordBytes[] = keywords.map((k, i) => ({
      bytes: Buffer.from(k.text),
      folded: k.folded,
      rules: header.keywords[i]!.rules,
      checkCase: header.keywords[i]!.checkCase.map((c) => ({ bytes: Buffer.from(c.text), rules: c.rules })),
    }));
    const automaton: KeywordAutomaton = {
      classes: Uint16Array.from(header.classes),
      classCount: header.classCount,
      next,
      outputStart,
      outputs,
      keywords: keywordBytes,
      ...idTables(keywordBytes),
    };
    return { keywordBytes, automaton };
  } catch {
    return undefined;
  }
}

/**
 * Tables of rule sets other than the built-in one (a configuration that disables a rule, a custom
 * pack), kept once built: building them cost a pre-commit hook about 40 ms at every commit. Only the
 * CLI keeps them (`keepBuiltKeywordTables`, in the package's dist/kept-tables/, as trusted as the
 * code beside it); a library call never writes files. Named and checked by the digest of the
 * keywords they were built from, so a kept file can only spare a build, never change a hit.
 */
let keptDir: string | undefined;
/** Where the CLI keeps them: emptied by every build, left out of the package and of release commits. */
export const KEPT_TABLES_DIR = packageFile("dist/kept-tables");
const KEPT_PREFIX = "keyword-tables-";
/** Rule sets kept at most (a configuration and a decoder's inner set each count); the oldest go first. */
const MAX_KEPT = 8;

export function keepBuiltKeywordTables(dir: string | undefined): void {
  keptDir = dir;
}

function keptFile(dir: string, digest: string): string {
  return join(dir, `${KEPT_PREFIX}${digest.slice(0, 32)}.bin`);
}

/** The kept tables of these keywords, if the CLI keeps tables and has them. */
export function readKeptKeywordTables(digest: string, keywords: readonly { text: string; folded: boolean }[]): KeywordTables | undefined {
  return keptDir === undefined ? undefined : readKeywordTables(keptFile(keptDir, digest), digest, keywords);
}

/** Keeps tables just built (written whole or not at all; a read-only install just builds again next time). */
export function keepKeywordTables(digest: string, tables: KeywordTables): void {
  const dir = keptDir;
  if (dir === undefined) return;
  const file = keptFile(dir, digest);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, serialiseKeywordTables(digest, tables), { flag: "wx" });
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    return;
  }
  try {
    const kept = readdirSync(dir)
      .filter((n) => n.startsWith(KEPT_PREFIX) && n.endsWith(".bin"))
      .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of kept.slice(MAX_KEPT)) if (old.path !== file) unlinkSync(old.path);
  } catch {
    // Another process pruned first; the next write prunes again.
  }
}
