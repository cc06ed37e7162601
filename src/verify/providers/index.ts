// Which provider verifies which rule. A rule not listed here is never sent anywhere.
import type { Provider } from "../types.js";
import { adyen, checkout, gocardless, mollie, paypal, square, stripe } from "./payments.js";
import { coinbase, marqeta, plaid, truelayer } from "./banking.js";
import { aws, github, gitlab, npm, openai, sendgrid, slack, slackWebhook, twilio } from "./platforms.js";

export const PROVIDERS: readonly Provider[] = [stripe, square, paypal, adyen, checkout, gocardless, mollie, plaid, truelayer, marqeta, coinbase, aws, github, gitlab, slack, slackWebhook, twilio, sendgrid, npm, openai];

const BY_RULE = new Map<string, Provider>(PROVIDERS.flatMap((p) => p.rules.map((r) => [r, p] as const)));

export function providerFor(ruleId: string): Provider | undefined {
  return BY_RULE.get(ruleId);
}
