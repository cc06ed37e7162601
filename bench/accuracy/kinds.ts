// The labeled credential kinds the accuracy corpus plants, and the look-alikes it plants beside them.
// Tokens are templates expanded from the seeded PRNG (src/rules/example-template.ts), so the corpus
// is reproducible and the repository holds no credential-shaped literal. Each kind names the rule
// that must report it and the class its recall is counted in.

export type Class = "live" | "sandbox" | "pci" | "info" | "generic";

export interface Kind {
  /** Rule (or any of the rules) that must report the planted token. */
  rule: string | string[];
  cls: Class;
  /** Token template. */
  token: string;
  /** Variable name to assign it to. */
  name: string;
  /** Lines placed before the assignment (provider context, pairs). */
  before?: string[];
  /** Text written right before the token that is not part of the secret (a URL base). */
  prefix?: string;
}

export const KINDS: Kind[] = [
  // payments
  { rule: "stripe-secret-key-live", cls: "live", token: "sk_live_51{{alnum:97}}", name: "STRIPE_SECRET_KEY" },
  { rule: "stripe-secret-key-live", cls: "live", token: "sk_live_{{alnum:24}}", name: "stripeKey" },
  { rule: "stripe-restricted-key-live", cls: "live", token: "rk_live_{{alnum:99}}", name: "STRIPE_RESTRICTED_KEY" },
  { rule: "stripe-secret-key-test", cls: "sandbox", token: "sk_test_{{alnum:99}}", name: "STRIPE_SECRET_KEY" },
  { rule: "stripe-publishable-key-live", cls: "info", token: "pk_live_{{alnum:99}}", name: "NEXT_PUBLIC_STRIPE_KEY" },
  { rule: "stripe-webhook-secret", cls: "live", token: "whsec_{{alnum:32}}", name: "STRIPE_WEBHOOK_SECRET" },
  { rule: "square-access-token", cls: "live", token: "EAAA{{base64url:60}}", name: "SQUARE_ACCESS_TOKEN", before: ["SQUARE_HOST=https://connect.squareup.com"] },
  { rule: "square-access-token", cls: "sandbox", token: "EAAA{{alnum:60}}", name: "SQUARE_ACCESS_TOKEN", before: ["SQUARE_HOST=https://connect.squareupsandbox.com"] },
  { rule: "square-application-secret-production", cls: "live", token: "sq0csp-{{base64url:43}}", name: "SQUARE_APP_SECRET" },
  { rule: "square-application-secret-sandbox", cls: "sandbox", token: "sandbox-sq0csb-{{base64url:43}}", name: "SQUARE_APP_SECRET" },
  { rule: "paypal-access-token", cls: "live", token: "A21AA{{base64url:92}}", name: "PAYPAL_BEARER" },
  { rule: "braintree-access-token-production", cls: "live", token: "access_token$production${{lowernum:16}}${{hex:32}}", name: "BRAINTREE_ACCESS_TOKEN" },
  { rule: "braintree-access-token-sandbox", cls: "sandbox", token: "access_token$sandbox${{lowernum:16}}${{hex:32}}", name: "BRAINTREE_ACCESS_TOKEN" },
  { rule: "braintree-private-key", cls: "live", token: "{{hex:32}}", name: "BRAINTREE_PRIVATE_KEY", before: ["BRAINTREE_ENVIRONMENT=production", "BRAINTREE_MERCHANT_ID={{lowernum:16}}"] },
  { rule: "adyen-api-key", cls: "live", token: "AQE{{base64:77}}=-{{base64:43}}=", name: "ADYEN_API_KEY", before: ["ADYEN_ENVIRONMENT=LIVE"] },
  { rule: "adyen-api-key", cls: "sandbox", token: "AQE{{alnum:80}}=-{{alnum:43}}=", name: "ADYEN_API_KEY", before: ["ADYEN_ENDPOINT=https://checkout-test.adyen.com/v71"] },
  { rule: "adyen-client-key-test", cls: "info", token: "test_{{uppernum:32}}", name: "ADYEN_CLIENT_KEY" },
  { rule: "adyen-hmac-key", cls: "live", token: "{{HEX:64}}", name: "ADYEN_HMAC_KEY" },
  { rule: "checkout-secret-key-live", cls: "live", token: "sk_{{base32lower:27}}", name: "CKO_SECRET_KEY" },
  { rule: "checkout-secret-key-sandbox", cls: "sandbox", token: "sk_sbox_{{base32lower:27}}", name: "CKO_SECRET_KEY" },
  { rule: "checkout-secret-key-previous-sandbox", cls: "sandbox", token: "sk_test_{{uuid}}", name: "CHECKOUT_SECRET_KEY" },
  { rule: "gocardless-access-token-live", cls: "live", token: "live_{{base64url:40}}", name: "GOCARDLESS_ACCESS_TOKEN" },
  { rule: "gocardless-access-token-sandbox", cls: "sandbox", token: "sandbox_{{base64url:40}}", name: "GC_ACCESS_TOKEN" },
  { rule: "mollie-api-key-live", cls: "live", token: "live_{{alnum:30}}", name: "MOLLIE_API_KEY" },
  { rule: "mollie-api-key-test", cls: "sandbox", token: "test_{{alnum:30}}", name: "MOLLIE_API_KEY" },
  { rule: "razorpay-key-secret", cls: "live", token: "{{alnum:24}}", name: "RAZORPAY_KEY_SECRET", before: ["RAZORPAY_KEY_ID=rzp_live_{{alnum:14}}"] },
  { rule: "paystack-secret-key-live", cls: "live", token: "sk_live_{{hex:40}}", name: "PAYSTACK_SECRET_KEY" },
  { rule: "paystack-secret-key-test", cls: "sandbox", token: "sk_test_{{hex:40}}", name: "PAYSTACK_SECRET_KEY" },
  { rule: "flutterwave-secret-key-live", cls: "live", token: "FLWSECK-{{hex:32}}-X", name: "FLW_SECRET_KEY" },
  { rule: "flutterwave-secret-key-test", cls: "sandbox", token: "FLWSECK_TEST-{{hex:32}}-X", name: "FLW_SECRET_KEY" },
  { rule: "klarna-api-key-live", cls: "live", token: "klarna_live_api_{{base64url:120}}", name: "KLARNA_API_KEY" },
  { rule: "klarna-api-key-test", cls: "sandbox", token: "klarna_test_api_{{base64url:100}}", name: "KLARNA_API_KEY" },
  { rule: "authorize-net-transaction-key", cls: "live", token: "{{alnum:16}}", name: "AUTHORIZE_NET_TRANSACTION_KEY" },
  { rule: "worldpay-service-key-test", cls: "sandbox", token: "T_S_{{uuid}}", name: "WORLDPAY_SERVICE_KEY" },
  { rule: "shopify-admin-access-token", cls: "live", token: "shpat_{{hex:32}}", name: "SHOPIFY_ACCESS_TOKEN" },
  { rule: "shopify-shared-secret", cls: "live", token: "shpss_{{hex:32}}", name: "SHOPIFY_API_SECRET" },
  { rule: "midtrans-server-key-production", cls: "live", token: "Mid-server-{{base64url:24}}", name: "MIDTRANS_SERVER_KEY" },
  { rule: "midtrans-server-key-sandbox", cls: "sandbox", token: "SB-Mid-server-{{alnum:24}}", name: "MIDTRANS_SERVER_KEY" },
  { rule: "cashfree-client-secret-production", cls: "live", token: "cfsk_ma_prod_{{hex:32}}_{{hex:8}}", name: "CASHFREE_SECRET_KEY" },
  { rule: "duffel-access-token-live", cls: "live", token: "duffel_live_{{base64url:43}}", name: "DUFFEL_TOKEN" },
  // open banking, BaaS
  { rule: "plaid-access-token-production", cls: "live", token: "access-production-{{uuid}}", name: "PLAID_ACCESS_TOKEN" },
  { rule: "plaid-access-token-sandbox", cls: "sandbox", token: "access-sandbox-{{uuid}}", name: "PLAID_ACCESS_TOKEN" },
  { rule: "plaid-secret", cls: "sandbox", token: "{{hex:30}}", name: "PLAID_SECRET", before: ["PLAID_ENV=sandbox", "PLAID_CLIENT_ID={{hex:24}}"] },
  { rule: "truelayer-client-secret", cls: "live", token: "{{uuid}}", name: "TRUELAYER_CLIENT_SECRET", before: ["TRUELAYER_AUTH=https://auth.truelayer.com"] },
  { rule: "tink-client-secret", cls: "live", token: "{{hex:32}}", name: "TINK_CLIENT_SECRET" },
  { rule: "yapily-application-secret", cls: "live", token: "{{uuid}}", name: "YAPILY_APPLICATION_SECRET" },
  { rule: "finicity-app-key", cls: "live", token: "{{hex:32}}", name: "FINICITY_APP_KEY" },
  { rule: "wise-api-token", cls: "live", token: "{{uuid}}", name: "WISE_API_TOKEN" },
  { rule: "revolut-token-production", cls: "live", token: "oa_prod_{{base64url:43}}", name: "REVOLUT_REFRESH_TOKEN" },
  { rule: "lithic-api-key", cls: "sandbox", token: "{{uuid}}", name: "LITHIC_API_KEY", before: ["LITHIC_BASE_URL=https://sandbox.lithic.com"] },
  { rule: "unit-api-token", cls: "live", token: "v2.public.eyJ{{base64url:240}}", name: "UNIT_TOKEN" },
  { rule: "mercury-api-token-production", cls: "live", token: "secret-token:mercury_production_wma_{{alnum:43}}_yrucrem", name: "MERCURY_API_TOKEN" },
  { rule: "mercury-api-token-sandbox", cls: "sandbox", token: "secret-token:mercury_sandbox_wma_{{alnum:43}}_yrucrem", name: "MERCURY_API_TOKEN" },
  { rule: "ramp-client-secret", cls: "live", token: "ramp_sec_{{alnum:48}}", name: "RAMP_CLIENT_SECRET" },
  { rule: "column-api-key-live", cls: "live", token: "live_{{alnum:27}}", name: "COLUMN_API_KEY" },
  { rule: "dwolla-client-secret", cls: "live", token: "{{alnum:50}}", name: "DWOLLA_SECRET" },
  { rule: "onfido-api-token-live", cls: "live", token: "api_live.{{base64url:11}}.{{base64url:32}}", name: "ONFIDO_API_TOKEN" },
  { rule: "onfido-api-token-sandbox", cls: "sandbox", token: "api_sandbox.{{base64url:11}}.{{base64url:32}}", name: "ONFIDO_API_TOKEN" },
  // crypto
  { rule: "kraken-private-key", cls: "live", token: "{{base64:86}}==", name: "KRAKEN_PRIVATE_KEY" },
  { rule: "binance-api-secret", cls: "live", token: "{{alnum:64}}", name: "BINANCE_API_SECRET" },
  { rule: "alpaca-secret-key", cls: "sandbox", token: "{{alnum:40}}", name: "APCA_API_SECRET_KEY", before: ["APCA_API_BASE_URL=https://paper-api.alpaca.markets"] },
  { rule: "coinbase-cdp-api-key-name", cls: "live", token: "organizations/{{uuid}}/apiKeys/{{uuid}}", name: "COINBASE_API_KEY_NAME" },
  { rule: "robinhood-crypto-api-key", cls: "live", token: "rh-api-{{uuid}}", name: "ROBINHOOD_API_KEY" },
  // cloud and infrastructure
  { rule: "aws-access-key-id", cls: "live", token: "{{aws-key-id:AKIA}}", name: "AWS_ACCESS_KEY_ID" },
  { rule: "aws-secret-access-key", cls: "live", token: "{{base64:40}}", name: "AWS_SECRET_ACCESS_KEY" },
  { rule: "aws-session-token", cls: "live", token: "IQoJb3JpZ2luX2Vj{{base64:420}}", name: "AWS_SESSION_TOKEN" },
  { rule: "gcp-api-key", cls: "live", token: "AIza{{base64url:35}}", name: "GOOGLE_API_KEY" },
  { rule: "google-oauth-client-secret", cls: "live", token: "GOCSPX-{{base64url:28}}", name: "GOOGLE_CLIENT_SECRET" },
  { rule: "azure-entra-client-secret", cls: "live", token: "{{alnum:3}}8Q~{{base64url:34}}", name: "AZURE_CLIENT_SECRET" },
  { rule: "vault-service-token", cls: "live", token: "hvs.CAES{{base64url:90}}", name: "VAULT_TOKEN" },
  { rule: "github-personal-access-token", cls: "live", token: "ghp_{{crc32-base62:30}}", name: "GITHUB_TOKEN" },
  { rule: "github-fine-grained-token", cls: "live", token: "github_pat_{{alnum:22}}_{{alnum:59}}", name: "GH_TOKEN" },
  { rule: "gitlab-personal-access-token", cls: "live", token: "glpat-{{base64url:20}}", name: "GITLAB_TOKEN" },
  { rule: "slack-bot-token", cls: "live", token: "xoxb-{{digits:12}}-{{digits:13}}-{{alnum:24}}", name: "SLACK_BOT_TOKEN" },
  { rule: "slack-webhook-url", cls: "live", token: "services/T{{uppernum:10}}/B{{uppernum:10}}/{{alnum:24}}", name: "SLACK_WEBHOOK", prefix: "https://hooks.slack.com/" },
  { rule: "sendgrid-api-key", cls: "live", token: "SG.{{base64url:22}}.{{base64url:43}}", name: "SENDGRID_API_KEY" },
  { rule: "npm-access-token", cls: "live", token: "npm_{{crc32-base62:30}}", name: "NPM_TOKEN" },
  { rule: "twilio-auth-token", cls: "live", token: "{{hex:32}}", name: "TWILIO_AUTH_TOKEN", before: ["TWILIO_ACCOUNT_SID=AC{{hex:32}}"] },
  // generic
  { rule: "jwt-token", cls: "generic", token: "{{jwt}}", name: "SESSION_JWT" },
  { rule: ["generic-payment-secret-assignment", "generic-env-secret-assignment", "generic-secret-assignment"], cls: "generic", token: "{{alnum:32}}", name: "MERCHANT_SIGNING_SECRET" },
  { rule: ["generic-secret-assignment", "generic-env-secret-assignment"], cls: "generic", token: "{{alnum:28}}", name: "ledger_password" },
  // PCI
  { rule: "pci-card-pan", cls: "pci", token: "{{luhn:16:4}}", name: "card_number" },
  { rule: "pci-card-pan", cls: "pci", token: "{{luhn:16:52}}", name: "cardNumber" },
  { rule: "pci-card-pan", cls: "pci", token: "{{luhn:15:37}}", name: "card_pan" },
  { rule: "pci-iban", cls: "pci", token: "{{iban:GB:22}}", name: "iban" },
  { rule: "pci-iban", cls: "pci", token: "{{iban:FR:27}}", name: "beneficiary_iban" },
];

/** Text that looks like a credential and must not be reported. */
export const LOOKALIKES: string[] = [
  '"integrity": "sha512-{{base64:86}}=="',
  "commit {{hex:40}}",
  "const requestId = '{{uuid}}';",
  'background: url("data:image/png;base64,{{base64:120}}");',
  "var a=function(t){return t.{{alnum:40}}};",
  "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}",
  "stripe_key = os.environ['STRIPE_SECRET_KEY']",
  "const key = process.env.PLAID_SECRET;",
  "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "card_number = '4242424242424242'  # Stripe test card",
  "card_number = '4111 1111 1111 1111'",
  'iban = "GB82WEST12345698765432"',
  "GITHUB_TOKEN=ghp_{{alnum:36}}",
  "password = 'changeme'",
  "api_key: <your-api-key>",
  "sha256: {{hex:64}}",
  "def test_{{lower:20}}(self):",
  "task_{{lower:27}} = run()",
  "token = '{{ vault_token }}'",
  "checksum = \"{{hex:32}}\"",
  'etag: "{{hex:32}}"',
  "SECRET_NAME=projects/bank/secrets/ledger-db",
  "docker_image_digest: sha256:{{hex:64}}",
  "order_id = {{digits:16}}",
  "phone = '+44{{digits:10}}'",
  "STRIPE_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
  "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev",
  "the keyword secret appears in prose, not as an assignment",
];
