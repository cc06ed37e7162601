// A seeded, labeled source tree: files in many languages and config formats with credentials planted
// in varied ways (assignments, JSON/YAML, Kubernetes Secrets, Docker config, URL-encoded passwords,
// split strings, JSON-escaped PEM) among filler code and look-alikes. Labels record the byte span of
// each planted secret as it appears in the file and the rule(s) that must report it.
import { expandExample, seededRandom } from "../../dist/rules/example-template.js";
import { KINDS, LOOKALIKES, type Class, type Kind } from "./kinds.js";

export interface Label {
  start: number;
  end: number;
  rules: string[];
  cls: Class;
  how: string;
}

export interface CorpusFile {
  path: string;
  text: string;
  labels: Label[];
  /** The syntax the file is written in, for files of the per-syntax corpus (syntaxes.ts). */
  syntax?: string;
}

type Style = "env" | "py" | "js" | "go" | "java" | "rb" | "php" | "yaml" | "json" | "properties" | "tf" | "cs";

const STYLES: { style: Style; ext: string; dir: string }[] = [
  { style: "env", ext: ".env", dir: "deploy" },
  { style: "py", ext: ".py", dir: "services/payments" },
  { style: "js", ext: ".js", dir: "web/src" },
  { style: "js", ext: ".ts", dir: "api/src/integrations" },
  { style: "go", ext: ".go", dir: "ledger/internal" },
  { style: "java", ext: ".java", dir: "core/src/main/java/bank" },
  { style: "rb", ext: ".rb", dir: "billing/config" },
  { style: "php", ext: ".php", dir: "shop/app" },
  { style: "yaml", ext: ".yaml", dir: "config" },
  { style: "json", ext: ".json", dir: "config" },
  { style: "properties", ext: ".properties", dir: "core/src/main/resources" },
  { style: "tf", ext: ".tf", dir: "infra" },
  { style: "cs", ext: ".cs", dir: "Bank.Api" },
];

const FILLER: Record<Style, string[]> = {
  env: ["# payments service", "LOG_LEVEL=info", "PORT=8080", "CARD_TOKENIZATION_ENABLED=true", "BANK_SYNC_INTERVAL=300", "TOKEN_TTL_SECONDS=3600"],
  py: ["import os", "from decimal import Decimal", "def card_fee(amount: Decimal) -> Decimal:", "    return (amount * Decimal('0.029')).quantize(Decimal('0.01'))", "# token refresh happens in the bank client", "MAX_RETRIES = 5", "account_number_masked = '****1234'"],
  js: ["import express from 'express';", "export function renderCard(props) { return props.title; }", "const paymentTimeout = 30000;", "logger.info('token refreshed', { attempt });", "const bankCodes = ['DEUTDEFF', 'NWBKGB2L'];", "const amount = 125000;"],
  go: ["package ledger", "import \"context\"", "func (s *Service) Settle(ctx context.Context, id string) error { return nil }", "// card network settlement window", "const maxBatch = 500"],
  java: ["package bank;", "import java.math.BigDecimal;", "public final class CardService {", "  private static final int TIMEOUT_MS = 30000;", "  // the bank token is fetched at startup", "}"],
  rb: ["require 'json'", "module Billing", "  CARD_BRANDS = %w[visa mastercard amex].freeze", "end", "# token rotation handled by vault"],
  php: ["<?php", "namespace App\\Payments;", "use GuzzleHttp\\Client;", "// card checkout", "$timeout = 30;"],
  yaml: ["service: payments", "replicas: 3", "logging:", "  level: info", "card_tokenization: true", "bank_sync_cron: '*/5 * * * *'"],
  json: [],
  properties: ["server.port=8080", "spring.application.name=core-banking", "card.tokenization.enabled=true", "bank.sync.interval=300"],
  tf: ["provider \"aws\" {", "  region = \"eu-west-2\"", "}", "resource \"aws_s3_bucket\" \"statements\" {", "  bucket = \"bank-statements\"", "}"],
  cs: ["namespace Bank.Api;", "using System;", "public class CardController { }", "// token cache for the bank connector"],
};

function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Text before and after the token for an assignment of `name` in `style`. */
function assignment(style: Style, name: string, rand: () => number): [string, string] {
  const q = rand() < 0.5 ? '"' : "'";
  switch (style) {
    case "env":
      return [`${name}=`, ""];
    case "py":
      return [`${name} = ${q}`, q];
    case "js":
      return rand() < 0.5 ? [`const ${camel(name)} = ${q}`, `${q};`] : [`export const ${name} = ${q}`, `${q};`];
    case "go":
      return [`const ${camel(name)} = "`, '"'];
    case "java":
      return [`  private static final String ${name} = "`, '";'];
    case "rb":
      return [`${name} = ${q}`, q];
    case "php":
      return rand() < 0.5 ? [`define('${name}', '`, "');"] : [`$${camel(name)} = '`, "';"];
    case "yaml":
      return rand() < 0.5 ? [`${name.toLowerCase()}: `, ""] : [`${name.toLowerCase()}: "`, '"'];
    case "json":
      return [`  "${name}": "`, '",'];
    case "properties":
      return [`${name.toLowerCase().replace(/_/g, ".")}=`, ""];
    case "tf":
      return [`  ${name.toLowerCase()} = "`, '"'];
    case "cs":
      return [`    public const string ${camel(name).replace(/^./, (c) => c.toUpperCase())} = "`, '";'];
  }
}

class Builder {
  text = "";
  labels: Label[] = [];
  line(s: string): void {
    this.text += s + "\n";
  }
  /** Appends before + secret + after as one line, labelling the secret's byte span. */
  secret(before: string, secret: string, after: string, rules: string[], cls: Class, how: string): void {
    this.text += before;
    const start = Buffer.byteLength(this.text);
    this.text += secret;
    this.labels.push({ start, end: Buffer.byteLength(this.text), rules, cls, how });
    this.text += after + "\n";
  }
}

const rulesOf = (k: Kind) => (Array.isArray(k.rule) ? k.rule : [k.rule]);

// Prefixed tokens a rule finds on their own: safe to hide in encodings, where surroundings are lost.
const SELF_CONTAINED = new Set(["stripe-secret-key-live", "github-personal-access-token", "slack-bot-token", "sendgrid-api-key", "shopify-admin-access-token", "flutterwave-secret-key-live", "plaid-access-token-production", "npm-access-token", "gitlab-personal-access-token", "cashfree-client-secret-production"]);

function plainFile(i: number, rand: () => number, seed: string): CorpusFile {
  const { style, ext, dir } = STYLES[Math.floor(rand() * STYLES.length)]!;
  const b = new Builder();
  const filler = FILLER[style];
  if (style === "json") b.line("{");
  const items = 2 + Math.floor(rand() * 5);
  for (let n = 0; n < items; n++) {
    for (let f = 0; f < 2 + Math.floor(rand() * 4) && filler.length; f++) b.line(filler[Math.floor(rand() * filler.length)]!);
    if (rand() < 0.35) {
      const look = expandExample(LOOKALIKES[Math.floor(rand() * LOOKALIKES.length)]!, `${seed}/look/${i}/${n}`);
      b.line(style === "json" ? `  "note${n}": ${JSON.stringify(look)},` : style === "env" || style === "properties" ? look : `${commentOf(style)} ${look}`);
      continue;
    }
    const kind = KINDS[Math.floor(rand() * KINDS.length)]!;
    const s = `${seed}/kind/${i}/${n}`;
    for (const [j, line] of (kind.before ?? []).entries()) {
      const l = expandExample(line, `${s}/before/${j}`);
      const [k, v] = l.split("=", 2) as [string, string];
      const [pre, post] = assignment(style, k, rand);
      b.line(pre + v + post);
    }
    const token = expandExample(kind.token, s);
    const [pre, post] = assignment(style, kind.name, rand);
    b.secret(pre + (kind.prefix ?? ""), token, post, rulesOf(kind), kind.cls, `${style} assignment`);
  }
  if (style === "json") b.line('  "version": 1\n}');
  return { path: `${dir}/file${i}${ext}`, text: b.text, labels: b.labels };
}

function commentOf(style: Style): string {
  return style === "py" || style === "rb" || style === "yaml" || style === "tf" ? "#" : style === "php" || style === "js" || style === "go" || style === "java" || style === "cs" ? "//" : "#";
}

function pickSelfContained(rand: () => number): Kind {
  const pool = KINDS.filter((k) => rulesOf(k).some((r) => SELF_CONTAINED.has(r)));
  return pool[Math.floor(rand() * pool.length)]!;
}

/** A Kubernetes Secret whose data values are base64: provider tokens and plain random passwords. */
function k8sFile(i: number, rand: () => number, seed: string): CorpusFile {
  const b = new Builder();
  b.line("apiVersion: v1");
  b.line("kind: Secret");
  b.line(`metadata:\n  name: payments-${i}\n  namespace: prod`);
  b.line("type: Opaque");
  b.line("data:");
  const n = 1 + Math.floor(rand() * 3);
  for (let j = 0; j < n; j++) {
    if (rand() < 0.5) {
      const kind = pickSelfContained(rand);
      const token = expandExample(kind.token, `${seed}/k8s/${i}/${j}`);
      b.secret(`  key-${j}: `, Buffer.from(token).toString("base64"), "", rulesOf(kind), kind.cls, "kubernetes secret base64");
    } else {
      const pw = expandExample("{{alnum:20}}", `${seed}/k8spw/${i}/${j}`);
      b.secret(`  db-password-${j}: `, Buffer.from(pw).toString("base64"), "", ["kubernetes-secret-data"], "generic", "kubernetes secret base64");
    }
  }
  b.line(`  username: ${Buffer.from("ledger").toString("base64")}`);
  return { path: `deploy/k8s/secret-${i}.yaml`, text: b.text, labels: b.labels };
}

function dockerFile(i: number, rand: () => number, seed: string): CorpusFile {
  const b = new Builder();
  b.line("{");
  b.line('  "auths": {');
  b.line('    "registry.bank.io": {');
  const useToken = rand() < 0.5;
  const kind = pickSelfContained(rand);
  const secret = useToken ? expandExample("ghp_{{crc32-base62:30}}", `${seed}/docker/${i}`) : expandExample("{{alnum:24}}", `${seed}/docker/${i}`);
  b.secret('      "auth": "', Buffer.from(`ci-bot:${secret}`).toString("base64"), '"', useToken ? ["github-personal-access-token"] : ["docker-config-auth"], useToken ? "live" : "generic", "docker config auth");
  void kind;
  b.line("    }\n  }\n}");
  return { path: `.docker/config-${i}.json`, text: b.text, labels: b.labels };
}

function encodedFile(i: number, rand: () => number, seed: string): CorpusFile {
  const b = new Builder();
  b.line("# connection settings");
  const pw = expandExample("{{alnum:10}}@{{alnum:6}}/{{alnum:6}}", `${seed}/url/${i}`);
  b.secret("DATABASE_URL=postgres://ledger_svc:", encodeURIComponent(pw), "@db.prod.bank.internal:5432/ledger", ["database-uri-password"], "generic", "url-encoded password");
  // A split key on one line.
  const kind = KINDS.find((k) => k.rule === "stripe-secret-key-live")!;
  const token = expandExample(kind.token, `${seed}/split/${i}`);
  const cut1 = 12 + Math.floor(rand() * 30);
  const cut2 = cut1 + 10 + Math.floor(rand() * 30);
  const expr = `"${token.slice(0, cut1)}" + "${token.slice(cut1, cut2)}" + "${token.slice(cut2)}"`;
  b.secret("const stripeKey = ", expr, ";", ["stripe-secret-key-live"], "live", "split string");
  // A JSON-escaped PEM.
  const pem = expandExample("-----BEGIN RSA PRIVATE KEY-----\\n{{base64:64}}\\n{{base64:64}}\\n{{base64:40}}==\\n-----END RSA PRIVATE KEY-----", `${seed}/pem/${i}`);
  b.secret('{"signing_key": "', pem, '"}', ["private-key-pem"], "live", "json-escaped pem");
  return { path: `config/secrets-${i}.txt`, text: b.text, labels: b.labels };
}

/** Files that contain only look-alikes and filler: every finding in them is a false positive. */
function cleanFile(i: number, rand: () => number, seed: string): CorpusFile {
  const b = new Builder();
  for (let j = 0; j < 12; j++) {
    b.line(FILLER.js[Math.floor(rand() * FILLER.js.length)]!);
    b.line("// " + expandExample(LOOKALIKES[Math.floor(rand() * LOOKALIKES.length)]!, `${seed}/clean/${i}/${j}`));
  }
  return { path: `web/src/clean-${i}.ts`, text: b.text, labels: [] };
}

export function generateCorpus(seed: string, files: number): CorpusFile[] {
  const rand = seededRandom(seed);
  const out: CorpusFile[] = [];
  for (let i = 0; i < files; i++) {
    const r = rand();
    if (r < 0.08) out.push(k8sFile(i, rand, seed));
    else if (r < 0.12) out.push(dockerFile(i, rand, seed));
    else if (r < 0.18) out.push(encodedFile(i, rand, seed));
    else if (r < 0.3) out.push(cleanFile(i, rand, seed));
    else out.push(plainFile(i, rand, seed));
  }
  return out;
}
