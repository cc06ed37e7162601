import { describe, expect, it } from "vitest";
import { Engine } from "../src/engine/engine.js";
import { loadBuiltinRules } from "../src/rules/load.js";
import { expandExample } from "../src/rules/example-template.js";
import { decodeBase64, decodeConcat, decodeUrl } from "../src/engine/decoders.js";
import type { Finding } from "../src/types.js";

const engine = new Engine(loadBuiltinRules());
const scan = (text: string, path = "x.txt") => engine.scanBuffer(Buffer.from(text), { path });
const b64 = (s: string) => Buffer.from(s).toString("base64");
const stripeKey = () => expandExample("sk_live_{{alnum:99}}", "decoders/stripe");
const ghToken = () => expandExample("ghp_{{crc32-base62:30}}", "decoders/gh");

function chunked(text: string, size: number): Promise<Finding[]> {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return (async () => {
    const out: Finding[] = [];
    for await (const f of engine.scanStream(chunks, { path: "x.txt" })) out.push(f);
    return out;
  })();
}

describe("decoders", () => {
  it("decode functions", () => {
    expect(decodeBase64(b64("hello world!"))?.toString()).toBe("hello world!");
    expect(decodeBase64("not base64 at all!")).toBeUndefined();
    expect(decodeBase64(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).toString("base64"))).toBeUndefined();
    expect(decodeUrl("p%40ss%2Fw0rd")?.toString()).toBe("p@ss/w0rd");
    expect(decodeConcat(`"ab" + 'cd' . "ef"`)?.toString()).toBe("abcdef");
  });

  it("reports a provider key inside a Kubernetes Secret value at the encoded text", () => {
    const key = stripeKey();
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: psp\ndata:\n  stripe: ${b64(key)}\n`;
    const found = scan(text);
    expect(found.map((f) => f.ruleId)).toEqual(["stripe-secret-key-live"]);
    expect(found[0]!.line).toBe(6);
    expect(found[0]!.column).toBe(11);
    expect(found[0]!.encoding).toBe("base64");
    expect(found[0]!.message).toContain("Kubernetes Secret");
  });

  it("reports a plain random password in a Secret as the Kubernetes rule, and ignores placeholders", () => {
    const pw = expandExample("{{alnum:24}}", "decoders/pw");
    expect(scan(`kind: Secret\ndata:\n  password: ${b64(pw)}\n`).map((f) => f.ruleId)).toEqual(["kubernetes-secret-data"]);
    expect(scan(`kind: Secret\ndata:\n  password: ${b64("changeme-please")}\n`)).toEqual([]);
    // Outside a Secret manifest the decoder does not run (a generic rule may still flag the field).
    expect(scan(`kind: ConfigMap\ndata:\n  settings: ${b64(pw)}\n`).filter((f) => f.ruleId === "kubernetes-secret-data")).toEqual([]);
  });

  it("decodes two levels: a .dockerconfigjson value holding a GitHub token as the registry password", () => {
    const docker = JSON.stringify({ auths: { "ghcr.io": { auth: b64(`bot:${ghToken()}`) } } });
    const text = `kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(docker)}\n`;
    expect(scan(text).map((f) => f.ruleId)).toEqual(["github-personal-access-token"]);
  });

  it("joins a key split across string concatenation and reports it once", () => {
    const key = stripeKey();
    const text = `const k = "${key.slice(0, 40)}" + "${key.slice(40, 80)}" + "${key.slice(80)}";\n`;
    const found = scan(text);
    expect(found.map((f) => f.ruleId)).toEqual(["stripe-secret-key-live"]);
    expect(found[0]!.column).toBe(11);
  });

  it("checks URL-encoded passwords decoded", () => {
    const pw = expandExample("{{alnum:10}}@{{alnum:8}}", "decoders/url");
    expect(scan(`DATABASE_URL=postgres://svc:${encodeURIComponent(pw)}@db.prod.internal/ledger`).map((f) => f.ruleId)).toEqual(["database-uri-password"]);
    expect(scan(`DATABASE_URL=postgres://svc:${encodeURIComponent("${DB_PASSWORD}")}@db.prod.internal/ledger`)).toEqual([]);
  });

  it("finds a JSON-escaped PEM block", () => {
    const pem = expandExample("-----BEGIN RSA PRIVATE KEY-----\\n{{base64:64}}\\n{{base64:64}}\\n{{base64:40}}\\n-----END RSA PRIVATE KEY-----", "decoders/pem");
    expect(scan(`{"key": "${pem}"}`).map((f) => f.ruleId)).toEqual(["private-key-pem"]);
  });

  it("streams decoder findings identically for any chunking", async () => {
    const key = stripeKey();
    const docker = JSON.stringify({ auths: { r: { auth: b64(`bot:${ghToken()}`) } } });
    const text = `x\nkind: Secret\ndata:\n  a: ${b64(key)}\n  b: ${b64(docker)}\nconst k = "${key.slice(0, 50)}" + "${key.slice(50)}";\n`;
    const whole = scan(text).map((f) => [f.ruleId, f.offset, f.secretDigest]);
    for (const size of [1, 7, 64, 1000]) expect((await chunked(text, size)).map((f) => [f.ruleId, f.offset, f.secretDigest])).toEqual(whole);
  });
});
