// The one adapter between a Finding and what a provider is given. Multi-part findings (`parts`,
// src/pairing) name each companion by `role` and `ruleId` and keep its value in the secret store;
// a provider asks for parts by the roles below, whatever a rule pack calls them, so only this file
// changes if those names do.
import { revealParts, revealSecret } from "../finding/secret-store.js";
import type { Finding } from "../types.js";
import type { VerifyInput } from "./types.js";

/** Role a value plays when it comes from one of these rules, as providers ask for it. */
export const ROLE_OF_RULE: Readonly<Record<string, string>> = {
  "aws-access-key-id": "aws-key-id",
  "aws-secret-access-key": "aws-secret",
  "aws-secret-key-by-name": "aws-secret",
  "aws-session-token": "aws-session-token",
  "plaid-client-id": "client-id",
  "plaid-secret": "plaid-secret",
  "truelayer-client-id-sandbox": "client-id",
  "truelayer-client-id": "client-id",
  "truelayer-client-secret": "client-secret",
  "paypal-client-id": "client-id",
  "paypal-client-secret": "client-secret",
  "tink-client-id": "client-id",
  "tink-client-secret": "client-secret",
  "yapily-application-key": "client-id",
  "yapily-application-secret": "client-secret",
  "braintree-merchant-id": "merchant-id",
  "braintree-public-key": "public-key",
  "braintree-private-key": "private-key",
  "square-application-id": "application-id",
  "square-application-id-sandbox": "application-id",
  "square-application-secret-production": "application-secret",
  "square-application-secret-sandbox": "application-secret",
  "adyen-merchant-account": "merchant-account",
  "adyen-client-key-live": "client-key",
  "adyen-client-key-test": "client-key",
  "twilio-auth-token": "auth-token",
  "twilio-account-sid": "account-sid",
  "twilio-api-key-secret": "api-key-secret",
  "marqeta-admin-access-token": "admin-access-token",
};

/** The provider's view of a finding; undefined when its value is not in the secret store. */
export function verifyInputOf(f: Finding): VerifyInput | undefined {
  const secret = revealSecret(f);
  if (secret === undefined) return undefined;
  const parts = new Map<string, string>();
  for (const p of revealParts(f)) {
    if (p.secret === undefined) continue;
    if (!parts.has(p.role)) parts.set(p.role, p.secret);
    const role = ROLE_OF_RULE[p.ruleId];
    if (role && !parts.has(role)) parts.set(role, p.secret);
  }
  const own = ROLE_OF_RULE[f.ruleId];
  if (own && !parts.has(own)) parts.set(own, secret);
  return { ruleId: f.ruleId, secret, parts, environment: f.environment };
}

/** Every value a finding would send (the secret and its parts), for scrubbing messages. */
export function valuesOf(input: VerifyInput): string[] {
  return [input.secret, ...input.parts.values()];
}
