// Jupyter notebooks (.ipynb) as a unit opener. A notebook is JSON: a key in a cell is JSON-escaped
// there (\" and \n inside one string), so it is decoded first. Each cell's source is a unit named
// `nb.ipynb#cell-3` (cells counted from 1, as Jupyter shows them), with line numbers inside the
// cell; each text output is `nb.ipynb#cell-3.output-1` (stream text, text/* and JSON results,
// error tracebacks); image, audio, video and PDF outputs are skipped, attachments too (they are
// base64 pictures). The notebook's and the cells' metadata are one more unit, `nb.ipynb#metadata`.
// A file named .ipynb that is not a notebook is scanned as the text it is.
import { createReadStream, readFileSync } from "node:fs";
import type { ScanUnit, Scope, SourceItem, UnitOpener, UnitTarget } from "../source.js";

interface Cell {
  cell_type?: unknown;
  source?: unknown;
  outputs?: unknown;
  metadata?: unknown;
}

interface Output {
  output_type?: unknown;
  text?: unknown;
  data?: unknown;
  ename?: unknown;
  evalue?: unknown;
  traceback?: unknown;
}

/** nbformat stores multi-line text as a string or a list of lines (each with its own "\n"). */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join("");
  return undefined;
}

const SKIPPED_MIME = /^(image|audio|video)\/|^application\/(pdf|octet-stream)$/;

function outputText(o: Output): string | undefined {
  if (o.output_type === "stream") return text(o.text);
  if (o.output_type === "error") return [`${String(o.ename ?? "")}: ${String(o.evalue ?? "")}`, ...(Array.isArray(o.traceback) ? o.traceback.map(String) : [])].join("\n");
  if (o.data && typeof o.data === "object") {
    const parts: string[] = [];
    for (const [mime, v] of Object.entries(o.data as Record<string, unknown>)) {
      if (SKIPPED_MIME.test(mime)) continue;
      const t = text(v) ?? (v && typeof v === "object" ? JSON.stringify(v, null, 1) : undefined);
      if (t) parts.push(t);
    }
    return parts.length ? parts.join("\n") : undefined;
  }
  return undefined;
}

function parse(data: Buffer): { cells: Cell[]; metadata?: unknown } | undefined {
  const start = data.subarray(0, 256).toString("utf8").trimStart();
  if (!start.startsWith("{")) return undefined;
  try {
    const nb = JSON.parse(data.toString("utf8")) as { cells?: unknown; metadata?: unknown };
    return nb && Array.isArray(nb.cells) ? { cells: nb.cells as Cell[], metadata: nb.metadata } : undefined;
  } catch {
    return undefined;
  }
}

function unit(outer: UnitTarget, suffix: string, content: string): ScanUnit {
  return { target: { ...outer, path: `${outer.path}#${suffix}` }, content: { kind: "bytes", data: Buffer.from(content, "utf8") }, encoding: "utf8" };
}

/** The units of a notebook, or undefined when `data` is not one. */
export function notebookUnits(outer: UnitTarget, data: Buffer): ScanUnit[] | undefined {
  const nb = parse(data);
  if (!nb) return undefined;
  const units: ScanUnit[] = [];
  const metadata: Record<string, unknown> = {};
  if (nb.metadata && typeof nb.metadata === "object" && Object.keys(nb.metadata).length) metadata.notebook = nb.metadata;
  nb.cells.forEach((cell, i) => {
    const n = i + 1;
    const source = text(cell?.source);
    if (source) units.push(unit(outer, `cell-${n}`, source));
    const outputs = Array.isArray(cell?.outputs) ? (cell.outputs as Output[]) : [];
    outputs.forEach((o, k) => {
      const t = o && typeof o === "object" ? outputText(o) : undefined;
      if (t) units.push(unit(outer, `cell-${n}.output-${k + 1}`, t));
    });
    if (cell?.metadata && typeof cell.metadata === "object" && Object.keys(cell.metadata).length) metadata[`cell-${n}`] = cell.metadata;
  });
  if (Object.keys(metadata).length) units.push(unit(outer, "metadata", JSON.stringify(metadata, null, 1)));
  return units;
}

function bytesOf(u: ScanUnit): Buffer | undefined {
  return u.content.kind === "bytes" ? u.content.data : u.content.kind === "file" ? readFileSync(u.content.abs) : undefined;
}

export const notebookOpener: UnitOpener = {
  name: "notebook",
  claims(u) {
    if (!/\.ipynb$/i.test(u.target.path)) return false;
    // Bytes at hand: claimed only if they are a notebook, so that text yielded back is not offered again.
    return u.content.kind === "file" || (u.content.kind === "bytes" && parse(u.content.data) !== undefined);
  },
  async *open(u: ScanUnit, scope: Scope): AsyncGenerator<SourceItem> {
    const c = u.content;
    if (c.kind === "file" && (c.size === undefined || c.size > scope.maxSize)) {
      // A notebook this large is mostly outputs; it is scanned as text, streamed, rather than parsed.
      yield { notice: { path: u.target.path, reason: `notebook of ${c.size ?? "unknown"} bytes is over the size limit: scanned as text, not cell by cell`, incomplete: false } };
      yield { ...u, content: { kind: "stream", chunks: createReadStream(c.abs, { highWaterMark: 1024 * 1024 }) } };
      return;
    }
    const data = bytesOf(u);
    if (!data) return;
    const units = notebookUnits(u.target, data);
    if (units) yield* units;
    else yield { ...u, content: { kind: "bytes", data } };
  },
};
