// An image's config (the JSON blob a manifest points at): where leaked build arguments sit. Env
// values and `history[].created_by` (each Dockerfile step, with its `ARG`/`ENV` values expanded)
// are given to the engine as lines it reads like a Dockerfile or an env file — `ENV NAME=value`,
// `RUN <step>` — followed by the rest of the config, so nothing in it goes unscanned and nothing is
// scanned twice. Line numbers are those of this text.

interface ImageConfig {
  config?: { Env?: unknown; Labels?: unknown; Cmd?: unknown; Entrypoint?: unknown };
  container_config?: { Env?: unknown; Cmd?: unknown };
  history?: { created_by?: unknown }[];
  rootfs?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The config as lines to scan, or undefined when `data` is not an image config. */
export function imageConfigText(data: Buffer): Buffer | undefined {
  const first = data.subarray(0, 64).toString("latin1").trimStart();
  if (!first.startsWith("{")) return undefined;
  let json: ImageConfig;
  try {
    json = JSON.parse(data.toString("utf8")) as ImageConfig;
  } catch {
    return undefined;
  }
  if (!json || typeof json !== "object" || !json.rootfs || (!json.config && !json.history)) return undefined;
  const lines: string[] = [];
  for (const e of strings(json.config?.Env)) lines.push(`ENV ${e}`);
  for (const h of json.history ?? []) if (typeof h?.created_by === "string") lines.push(`RUN ${h.created_by.replace(/\s*\n\s*/g, " ")}`);
  const labels = json.config?.Labels;
  if (labels && typeof labels === "object") for (const [k, v] of Object.entries(labels)) lines.push(`LABEL ${k}=${String(v)}`);
  const rest = { ...json, config: json.config && { ...json.config, Env: undefined, Labels: undefined }, history: undefined };
  return Buffer.from(`${lines.join("\n")}\n${JSON.stringify(rest, null, 2)}\n`);
}
