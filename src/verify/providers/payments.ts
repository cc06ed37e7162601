// Payment providers. Each asks for one object that cannot exist, with the key in a header: a key
// that works gets "not found", a dead one "unauthorised". Hosts follow the finding's environment.
import { byStatus, NOT_FOUND_MEANS } from "../judge.js";
import type { Provider } from "../types.js";
import { basic, bearer, form, hostFor, lacking, part } from "./shared.js";

/** Stripe: test and live keys share api.stripe.com (the key selects the mode). A restricted key
 * without the customer read permission answers 403, which still proves it authenticated. */
export const stripe: Provider = {
  id: "stripe",
  rules: ["stripe-secret-key-live", "stripe-restricted-key-live", "stripe-secret-key-test"],
  hosts: ["api.stripe.com"],
  request: (i) => ({ method: "GET", host: "api.stripe.com", path: "/v1/customers/cus_keyfenceverifyprobe0", endpoint: "GET /v1/customers/cus_keyfenceverifyprobe0", headers: bearer(i.secret) }),
  judge: byStatus({ live: [404, 403], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

export const square: Provider = {
  id: "square",
  rules: ["square-access-token", "square-legacy-access-token"],
  hosts: ["connect.squareup.com", "connect.squareupsandbox.com"],
  request: (i) => ({ method: "GET", host: hostFor(i.environment, "connect.squareup.com", "connect.squareupsandbox.com"), path: "/v2/locations/KEYFENCEVERIFYPROBE", endpoint: "GET /v2/locations/KEYFENCEVERIFYPROBE", headers: { ...bearer(i.secret), "square-version": "2024-01-18" } }),
  judge: byStatus({ live: [404, 403], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

const PAYPAL_HOSTS = ["api-m.paypal.com", "api-m.sandbox.paypal.com"];
/** PayPal: an access token asks for an order that cannot exist; a client secret (with its client
 * id) asks for a token, which is discarded unread: the only call a client credential can make. */
export const paypal: Provider = {
  id: "paypal",
  rules: ["paypal-access-token", "paypal-client-secret"],
  hosts: PAYPAL_HOSTS,
  missing: (i) => (i.ruleId === "paypal-client-secret" ? lacking(i, ["client-id"]) : []),
  request: (i) => {
    const host = hostFor(i.environment, PAYPAL_HOSTS[0]!, PAYPAL_HOSTS[1]!);
    if (i.ruleId === "paypal-access-token") return { method: "GET", host, path: "/v2/checkout/orders/KEYFENCEVERIFYPROBE0", endpoint: "GET /v2/checkout/orders/KEYFENCEVERIFYPROBE0", headers: bearer(i.secret) };
    return { method: "POST", host, path: "/v1/oauth2/token", endpoint: "POST /v1/oauth2/token", headers: { ...basic(part(i, "client-id"), i.secret), "content-type": "application/x-www-form-urlencoded" }, body: form({ grant_type: "client_credentials" }) };
  },
  judge: (r, i) => (i.ruleId === "paypal-access-token" ? byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS })(r) : byStatus({ live: [200], revoked: [401], liveMeans: "the client credentials were accepted (token discarded)" })(r)),
};

/** Adyen: the Management API (one host per environment, unlike Checkout's per-merchant hosts); an
 * API credential without access to the probe company answers 403, which still means it is valid. */
export const adyen: Provider = {
  id: "adyen",
  rules: ["adyen-api-key"],
  hosts: ["management-live.adyen.com", "management-test.adyen.com"],
  request: (i) => ({ method: "GET", host: hostFor(i.environment, "management-live.adyen.com", "management-test.adyen.com"), path: "/v3/companies/KEYFENCEVERIFYPROBE", endpoint: "GET /v3/companies/KEYFENCEVERIFYPROBE", headers: { "x-api-key": i.secret } }),
  judge: byStatus({ live: [404, 403], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

/** Checkout.com: current keys are sent as a Bearer token, keys of the previous platform bare. */
export const checkout: Provider = {
  id: "checkout",
  rules: ["checkout-secret-key-live", "checkout-secret-key-sandbox", "checkout-secret-key-previous-live", "checkout-secret-key-previous-sandbox"],
  hosts: ["api.checkout.com", "api.sandbox.checkout.com"],
  request: (i) => ({
    method: "GET",
    host: hostFor(i.environment, "api.checkout.com", "api.sandbox.checkout.com"),
    path: "/payments/pay_keyfenceverifyprobe0000000000",
    endpoint: "GET /payments/pay_keyfenceverifyprobe0000000000",
    headers: { authorization: i.ruleId.includes("previous") ? i.secret : `Bearer ${i.secret}` },
  }),
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

export const gocardless: Provider = {
  id: "gocardless",
  rules: ["gocardless-access-token-live", "gocardless-access-token-sandbox"],
  hosts: ["api.gocardless.com", "api-sandbox.gocardless.com"],
  request: (i) => ({ method: "GET", host: hostFor(i.environment, "api.gocardless.com", "api-sandbox.gocardless.com"), path: "/mandates/MD000KEYFENCEPROBE", endpoint: "GET /mandates/MD000KEYFENCEPROBE", headers: { ...bearer(i.secret), "gocardless-version": "2015-07-06" } }),
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

/** Mollie: live and test keys share api.mollie.com (the key selects the mode). */
export const mollie: Provider = {
  id: "mollie",
  rules: ["mollie-api-key-live", "mollie-api-key-test"],
  hosts: ["api.mollie.com"],
  request: (i) => ({ method: "GET", host: "api.mollie.com", path: "/v2/payments/tr_keyfenceprobe", endpoint: "GET /v2/payments/tr_keyfenceprobe", headers: bearer(i.secret) }),
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};
