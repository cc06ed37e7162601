// Open banking, card issuing and crypto. These credentials mostly come in parts; without the
// companion the verifier says so instead of guessing.
import { byStatus, commonVerdict, jsonField, NOT_FOUND_MEANS } from "../judge.js";
import type { Provider, Verification } from "../types.js";
import { basic, form, hostFor, lacking, notVerifiable, part } from "./shared.js";

/** Plaid: client id + secret asked about an access token that cannot exist. Plaid answers 400
 * either way and says which part failed in `error_code`. Access tokens themselves are not checked:
 * every call that takes one returns account data. */
export const plaid: Provider = {
  id: "plaid",
  rules: ["plaid-secret", "plaid-access-token-production", "plaid-access-token-development", "plaid-access-token-sandbox"],
  hosts: ["production.plaid.com", "sandbox.plaid.com"],
  missing: (i) => (i.ruleId === "plaid-secret" ? lacking(i, ["client-id"]) : []),
  request: (i) => {
    if (i.ruleId !== "plaid-secret") return notVerifiable("every Plaid call that takes an access token returns account data");
    return {
      method: "POST",
      host: hostFor(i.environment, "production.plaid.com", "sandbox.plaid.com"),
      path: "/item/get",
      endpoint: "POST /item/get (with an access token that cannot exist)",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: part(i, "client-id"), secret: i.secret, access_token: `access-${i.environment === "sandbox" ? "sandbox" : "production"}-00000000-0000-4000-8000-000000000000` }),
    };
  },
  judge: (r): Verification => {
    const code = jsonField(r.body, "error_code");
    if (code === "INVALID_ACCESS_TOKEN") return { status: "live", reason: `client id and secret accepted; the probe access token does not exist (HTTP ${r.status})` };
    if (code === "INVALID_API_KEYS") return { status: "revoked", reason: `Plaid rejected the client id and secret (HTTP ${r.status})` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}` };
  },
};

/** TrueLayer: the client-credentials grant (a token comes back and is discarded unread). A client
 * that authenticated but may not use the grant or scope still proves the secret. */
export const truelayer: Provider = {
  id: "truelayer",
  rules: ["truelayer-client-secret"],
  hosts: ["auth.truelayer.com", "auth.truelayer-sandbox.com"],
  missing: (i) => lacking(i, ["client-id"]),
  request: (i) => {
    const clientId = part(i, "client-id");
    const sandbox = i.environment === "sandbox" || clientId.startsWith("sandbox-");
    return {
      method: "POST",
      host: sandbox ? "auth.truelayer-sandbox.com" : "auth.truelayer.com",
      path: "/connect/token",
      endpoint: "POST /connect/token",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ grant_type: "client_credentials", client_id: clientId, client_secret: i.secret }),
    };
  },
  judge: (r): Verification => {
    const error = jsonField(r.body, "error");
    if (r.status === 200) return { status: "live", reason: "the client credentials were accepted (token discarded) (HTTP 200)" };
    if (error === "invalid_client") return { status: "revoked", reason: `TrueLayer rejected the client credentials (HTTP ${r.status})` };
    if (error === "unauthorized_client" || error === "invalid_scope") return { status: "live", reason: `the client authenticated but may not use this grant (HTTP ${r.status})` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}` };
  },
};

/** Marqeta: production API hosts are specific to each card program, so only the shared sandbox
 * host is on the allowlist. Basic auth: application token : admin access token. */
export const marqeta: Provider = {
  id: "marqeta",
  rules: ["marqeta-admin-access-token"],
  hosts: ["sandbox-api.marqeta.com"],
  missing: (i) => lacking(i, ["application-token"]),
  request: (i) =>
    i.environment !== "sandbox"
      ? notVerifiable("Marqeta production hosts differ per program; only the shared sandbox host is allowed")
      : { method: "GET", host: "sandbox-api.marqeta.com", path: "/v3/users/keyfence-verify-probe", endpoint: "GET /v3/users/keyfence-verify-probe", headers: basic(part(i, "application-token"), i.secret) },
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

/** Coinbase Commerce keys ask for a charge that cannot exist. CDP keys are signed JWTs (key name +
 * private key); they wait for pairs and a signer, so they are reported as not checked. */
export const coinbase: Provider = {
  id: "coinbase",
  rules: ["coinbase-commerce-api-key", "coinbase-cdp-api-key-name", "coinbase-api-secret"],
  hosts: ["api.commerce.coinbase.com"],
  missing: (i) => (i.ruleId === "coinbase-commerce-api-key" ? [] : lacking(i, i.ruleId === "coinbase-cdp-api-key-name" ? ["private-key"] : ["key-name"])),
  request: (i) =>
    i.ruleId !== "coinbase-commerce-api-key"
      ? notVerifiable("Coinbase CDP keys sign each request (ES256 JWT); keyfence does not sign them")
      : { method: "GET", host: "api.commerce.coinbase.com", path: "/charges/keyfence-verify-probe", endpoint: "GET /charges/keyfence-verify-probe", headers: { "x-cc-api-key": i.secret, "x-cc-version": "2018-03-22" } },
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};
