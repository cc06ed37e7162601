// AWS Signature Version 4 for the one request keyfence makes to AWS (STS GetCallerIdentity): small
// enough to own, so no SDK is pulled in and the secret only ever feeds an HMAC.
import { nodeCrypto } from "../deferred-imports.js";

export interface SigV4Request {
  method: string;
  host: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  region: string;
  service: string;
  keyId: string;
  secret: string;
  sessionToken?: string;
  now?: Date;
}

const sha256 = (s: string) => nodeCrypto().createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: Buffer | string, s: string) => nodeCrypto().createHmac("sha256", key).update(s, "utf8").digest();

/** The request's headers with `Authorization`, `X-Amz-Date` (and the session token) added. */
export function signV4(r: SigV4Request): Record<string, string> {
  const amzDate = (r.now ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...r.headers, host: r.host, "x-amz-date": amzDate, ...(r.sessionToken && { "x-amz-security-token": r.sessionToken }) };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, " ")]));
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]}\n`).join("");
  const signedHeaders = names.join(";");
  const canonical = [r.method, r.path, "", canonicalHeaders, signedHeaders, sha256(r.body)].join("\n");
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const kDate = hmac(`AWS4${r.secret}`, day);
  const kSigning = hmac(hmac(hmac(kDate, r.region), r.service), "aws4_request");
  const signature = nodeCrypto().createHmac("sha256", kSigning).update(toSign, "utf8").digest("hex");
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${r.keyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}
