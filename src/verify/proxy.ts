// HTTPS_PROXY / NO_PROXY as curl reads them: a CONNECT tunnel through an http:// proxy (a bank's
// egress usually allows nothing else), bypassed for hosts NO_PROXY names. The TLS session runs
// end to end through the tunnel, so the proxy sees the host name, never a header.
import { request as httpRequest } from "node:http";
import type { Socket } from "node:net";

/** The proxy for `host`, or undefined to connect directly. */
export function proxyFor(host: string, env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy;
  if (!raw) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase().replace(/:\d+$/, ""))
    .filter(Boolean);
  const h = host.toLowerCase();
  for (const entry of noProxy) {
    if (entry === "*") return undefined;
    const domain = entry.replace(/^\*?\./, "");
    if (h === domain || h.endsWith(`.${domain}`)) return undefined;
  }
  const url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  if (url.protocol !== "http:") throw new Error(`HTTPS_PROXY must be an http:// proxy (got ${url.protocol})`);
  return url;
}

/** A raw socket tunnelled to host:port through the proxy. */
export function tunnel(proxy: URL, host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const auth = proxy.username ? { "proxy-authorization": `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}` } : {};
    const req = httpRequest({ host: proxy.hostname, port: Number(proxy.port || 80), method: "CONNECT", path: `${host}:${port}`, headers: { host: `${host}:${port}`, ...auth }, signal });
    req.once("connect", (res, socket) => {
      if (res.statusCode === 200) return resolvePromise(socket);
      socket.destroy();
      reject(new Error(`proxy refused the tunnel (HTTP ${res.statusCode})`));
    });
    req.once("error", (err) => reject(new Error(`proxy: ${err.message}`)));
    req.end();
  });
}
