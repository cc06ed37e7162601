// Jupyter notebooks and container images as sources, through the real CLI.
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keyfence, tempTree } from "./helpers/cli.js";
import { gz, tarOf, zipOf } from "./helpers/archives.js";
import { positive } from "./helpers/secrets.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tree(files: Record<string, string | Buffer>): string {
  const d = tempTree(files);
  dirs.push(d);
  return d;
}
const token = (salt: string) => positive("stripe-secret-key-live", 0, salt).split("=").pop()!.replace(/^["']|["';]+$/g, "");
type Out = { findings: { path: string; line: number; column: number }[]; notices: { path: string; reason: string; incomplete: boolean }[] };
function scan(dir: string, args: string[] = ["."]): { code: number; out: Out } {
  const r = keyfence(["scan", ...args, "--format", "json"], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout) as Out };
}

describe("Jupyter notebooks", () => {
  const notebook = (k: string) =>
    JSON.stringify({
      nbformat: 4,
      metadata: { kernelspec: { name: "python3" } },
      cells: [
        { cell_type: "markdown", source: ["# Payments\n", "notes\n"], metadata: {} },
        // One string with escaped newlines and quotes: the key sits on line 3 of the cell.
        { cell_type: "code", source: `import stripe\n# "config"\nstripe.api_key = "${k}-src"\n`, outputs: [], metadata: {} },
        {
          cell_type: "code",
          source: ["print(key)\n"],
          metadata: {},
          outputs: [
            { output_type: "display_data", data: { "image/png": Buffer.from(`${k}-img`).toString("base64"), "text/plain": ["<Figure>"] } },
            { output_type: "stream", name: "stdout", text: ["loaded\n", `${k}-out\n`] },
          ],
        },
      ],
    });

  it("cell sources and text outputs are decoded and scanned, with the line inside the cell; images skipped", () => {
    const k = token("nb");
    const dir = tree({ "analysis.ipynb": notebook(k) });
    const { code, out } = scan(dir);
    expect(code).toBe(1);
    expect(out.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["analysis.ipynb#cell-2:3", "analysis.ipynb#cell-3.output-2:2"]);
    expect(out.findings[0]!.column).toBe(`stripe.api_key = "`.length + 1);
  });

  it("a notebook inside a zip is opened too; a .ipynb that is not JSON is scanned as text", () => {
    const dir = tree({ "nb.zip": zipOf({ "work/a.ipynb": notebook(token("zipnb")) }), "broken.ipynb": `not json\nkey = "${token("broken")}"\n` });
    const { out } = scan(dir);
    expect(out.findings.map((f) => f.path).sort()).toEqual(["broken.ipynb", "nb.zip!work/a.ipynb#cell-2", "nb.zip!work/a.ipynb#cell-3.output-2"]);
  });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function image(k: (s: string) => string) {
  const layer1 = gz(await tarOf({ "etc/app.env": `STRIPE_SECRET=${k("layer1")}\n`, "usr/bin/tool": "binary-ish\n" }));
  // The second layer deletes the file: it is still in the image, and reported with layer 1.
  const layer2 = await tarOf({ "etc/.wh.app.env": "", "srv/ok.txt": "fine\n" });
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      config: { Env: ["PATH=/usr/bin", `STRIPE_SECRET=${k("env")}`] },
      history: [{ created_by: `/bin/sh -c #(nop) ARG STRIPE=${k("arg")}` }, { created_by: "RUN make" }],
      rootfs: { type: "layers", diff_ids: [`sha256:${sha(layer1)}`, `sha256:${sha(layer2)}`] },
    }),
  );
  const blobs = { [sha(layer1)]: layer1, [sha(layer2)]: layer2, [sha(config)]: config };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${sha(config)}` }, layers: [layer1, layer2].map((l) => ({ digest: `sha256:${sha(l)}` })) }));
  blobs[sha(manifest)] = manifest;
  return { blobs, layer1: sha(layer1), config: sha(config), manifest: sha(manifest) };
}

describe("container images", () => {
  it("a docker save / OCI image tarball: every layer (whiteouts do not hide a lower layer's file) and the config's Env and history", async () => {
    const img = await image(token);
    const entries: Record<string, Buffer> = { "oci-layout": Buffer.from('{"imageLayoutVersion":"1.0.0"}'), "index.json": Buffer.from(`{"manifests":[{"digest":"sha256:${img.manifest}"}]}`) };
    for (const [d, b] of Object.entries(img.blobs)) entries[`blobs/sha256/${d}`] = b;
    entries["manifest.json"] = Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${img.config}`, Layers: [`blobs/sha256/${img.layer1}`] }]));
    const dir = tree({ "app-image.tar": await tarOf(entries) });
    const { code, out } = scan(dir);
    expect(code).toBe(1);
    expect(out.findings.map((f) => `${f.path}:${f.line}`).sort()).toEqual(
      [`app-image.tar!blobs/sha256/${img.config}#config:2`, `app-image.tar!blobs/sha256/${img.config}#config:3`, `app-image.tar!blobs/sha256/${img.layer1}!etc/app.env:1`].sort(),
    );
    expect(out.notices.filter((n) => n.incomplete)).toEqual([]);
  });

  it("an OCI layout folder: layers by digest and the config", async () => {
    const img = await image(token);
    const dir = tree({ "oci/oci-layout": '{"imageLayoutVersion":"1.0.0"}', "oci/index.json": `{"manifests":[{"digest":"sha256:${img.manifest}"}]}` });
    mkdirSync(join(dir, "oci/blobs/sha256"), { recursive: true });
    for (const [d, b] of Object.entries(img.blobs)) writeFileSync(join(dir, "oci/blobs/sha256", d), b);
    const { code, out } = scan(dir, ["oci"]);
    expect(code).toBe(1);
    expect(out.findings.map((f) => f.path).sort()).toEqual([`oci/blobs/sha256/${img.config}#config`, `oci/blobs/sha256/${img.config}#config`, `oci/blobs/sha256/${img.layer1}!etc/app.env`].sort());
  });
});
