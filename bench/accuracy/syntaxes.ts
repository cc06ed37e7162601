// Credentials embedded in every syntax the assignment grammar reads, each in a file of the matching
// type, with look-alikes written in the same syntax (names that describe a secret, placeholders,
// ARNs, timestamps, page and version tokens). Labels carry the syntax, so recall is printed per syntax.
import { expandExample, seededRandom } from "../../dist/rules/example-template.js";
import type { Class } from "./kinds.js";
import type { CorpusFile, Label } from "./corpus.js";

/** A credential whose name must come from the surrounding syntax (or that names itself). */
interface Keyed {
  rules: string[];
  cls: Class;
  token: string;
  words: string[];
}

const KEYED: Keyed[] = [
  { rules: ["generic-secret-assignment", "generic-payment-secret-assignment"], cls: "generic", token: "{{alnum:16}}{{digits:4}}{{alnum:12}}", words: ["ledger", "api", "token"] },
  { rules: ["generic-secret-assignment"], cls: "generic", token: "{{hex:64}}", words: ["encryption", "key"] },
  { rules: ["generic-payment-secret-assignment", "generic-secret-assignment"], cls: "generic", token: "{{base64url:40}}", words: ["merchant", "signing", "secret"] },
  { rules: ["twilio-auth-token"], cls: "live", token: "{{hex:32}}", words: ["twilio", "auth", "token"] },
  { rules: ["plaid-secret"], cls: "live", token: "{{hex:30}}", words: ["plaid", "secret"] },
  { rules: ["gocardless-access-token-live", "gocardless-access-token-live-by-name"], cls: "live", token: "live_{{base64url:40}}", words: ["gc", "access", "token"] },
  { rules: ["wise-api-token"], cls: "live", token: "{{uuid}}", words: ["wise", "sandbox", "api", "token"] },
  { rules: ["stripe-secret-key-live"], cls: "live", token: "sk_live_51{{alnum:97}}", words: ["stripe", "secret", "key"] },
  { rules: ["pci-card-pan"], cls: "pci", token: "{{luhn:16:4}}", words: ["card", "number"] },
  { rules: ["pci-iban"], cls: "pci", token: "{{iban:DE:22}}", words: ["beneficiary", "iban"] },
  { rules: ["jwt-token", "generic-secret-assignment"], cls: "generic", token: "{{jwt}}", words: ["refresh", "token"] },
];

/** Same syntax, no credential: what the name or the value says rules it out. */
const LOOKALIKES: { words: string[]; value: string }[] = [
  { words: ["ledger", "api", "token"], value: "changeme-please" },
  { words: ["secrets", "manager", "access", "role", "arn"], value: "arn:aws:iam::{{digits:12}}:role/{{lower:12}}" },
  { words: ["password", "last", "used"], value: "2024-0{{digits:1}}-1{{digits:1}}T12:00:00Z" },
  { words: ["next", "page", "token"], value: "{{alnum:40}}" },
  { words: ["version", "token"], value: "{{alnum:40}}" },
  { words: ["request", "id"], value: "{{uuid}}" },
  { words: ["commit", "sha"], value: "{{hex:40}}" },
  { words: ["api", "key", "id"], value: "{{alnum:24}}" },
  { words: ["card", "id"], value: "{{digits:16}}" },
  { words: ["db", "password", "file"], value: "/run/secrets/{{lower:10}}" },
];

const upper = (w: string[]) => w.join("_").toUpperCase();
const snake = (w: string[]) => w.join("_");
const camel = (w: string[]) => w[0] + w.slice(1).map((x) => x[0]!.toUpperCase() + x.slice(1)).join("");
const pascal = (w: string[]) => w.map((x) => x[0]!.toUpperCase() + x.slice(1)).join("");
const kebab = (w: string[]) => w.join("-");
const dotted = (w: string[]) => w.join(".");

/** How one syntax writes name → value: text before and after the value, and the file around them. */
interface Syntax {
  id: string;
  path: (i: number) => string;
  head?: string;
  tail?: string;
  write: (w: string[], rand: () => number) => [string, string];
  /** Fixed-name syntaxes (.netrc, JDBC, userinfo) carry only a password. */
  only?: Keyed;
  /** A value percent-encoded in the text. */
  encode?: (v: string) => string;
}

const PASSWORD: Keyed = { rules: ["generic-secret-assignment", "connection-string-password", "basic-auth-url", "database-uri-password"], cls: "generic", token: "{{alnum:16}}{{digits:4}}{{alnum:12}}", words: ["password"] };
const q = (rand: () => number) => (rand() < 0.5 ? '"' : "'");

export const SYNTAXES: Syntax[] = [
  { id: "js-const", path: (i) => `web/src/config${i}.js`, write: (w, r) => { const c = q(r); return [`export const ${camel(w)} = ${c}`, `${c};`]; } },
  { id: "js-object", path: (i) => `web/src/client${i}.js`, head: "const config = {", tail: "};", write: (w) => [`  ${camel(w)}: '`, "',"] },
  { id: "ts-fallback-??", path: (i) => `api/src/env${i}.ts`, write: (w) => [`const ${camel(w)} = process.env.${upper(w)} ?? '`, "';"] },
  { id: "js-fallback-||", path: (i) => `web/src/env${i}.js`, write: (w) => [`const ${camel(w)} = process.env.${upper(w)} || "`, '";'] },
  { id: "ts-template-literal", path: (i) => `api/src/keys${i}.ts`, write: (w) => [`const ${camel(w)}: string = \``, "`;"] },
  { id: "python", path: (i) => `services/payments/settings${i}.py`, write: (w, r) => { const c = q(r); return [`${upper(w)} = ${c}`, c]; } },
  { id: "python-environ-get", path: (i) => `services/payments/env${i}.py`, write: (w) => [`${snake(w)} = os.environ.get("${upper(w)}", "`, '")'] },
  { id: "python-kwarg", path: (i) => `services/payments/client${i}.py`, write: (w) => [`client = Client(${snake(w)}='`, "')"] },
  { id: "go", path: (i) => `ledger/internal/config${i}.go`, write: (w) => [`\t${camel(w)} := "`, '"'] },
  { id: "go-raw-string", path: (i) => `ledger/internal/keys${i}.go`, write: (w) => [`var ${camel(w)} = \``, "`"] },
  { id: "go-setenv", path: (i) => `ledger/internal/setup${i}_test.go`, write: (w) => [`\tos.Setenv("${upper(w)}", "`, '")'] },
  { id: "go-struct", path: (i) => `ledger/internal/client${i}.go`, write: (w) => [`\t\t${pascal(w)}: "`, '",'] },
  { id: "java", path: (i) => `core/src/main/java/bank/Keys${i}.java`, write: (w) => [`  private static final String ${upper(w)} = "`, '";'] },
  // A key split into literals that the compiler joins, the second on the next line.
  { id: "java-concat", path: (i) => `core/src/main/java/bank/Split${i}.java`, write: (w) => [`  private static final String ${upper(w)} = "`, '";'], encode: (v) => `${v.slice(0, Math.ceil(v.length / 2))}" +\n      "${v.slice(Math.ceil(v.length / 2))}` },
  { id: "java-builder", path: (i) => `core/src/main/java/bank/Client${i}.java`, write: (w) => [`    .${camel(w)}("`, '")'] },
  { id: "kotlin-elvis", path: (i) => `android/app/src/Keys${i}.kt`, write: (w) => [`val ${camel(w)}: String = System.getenv("${upper(w)}") ?: "`, '"'] },
  { id: "csharp", path: (i) => `Bank.Api/Keys${i}.cs`, write: (w) => [`    public const string ${pascal(w)} = "`, '";'] },
  { id: "csharp-verbatim", path: (i) => `Bank.Api/Client${i}.cs`, write: (w) => [`    var ${camel(w)} = @"`, '";'] },
  { id: "ruby-env-fetch", path: (i) => `billing/config/keys${i}.rb`, write: (w) => [`${upper(w)} = ENV.fetch('${upper(w)}', '`, "')"] },
  { id: "ruby-hash", path: (i) => `billing/config/client${i}.rb`, write: (w) => [`  ${snake(w)}: '`, "',"] },
  { id: "rspec-let", path: (i) => `billing/spec/client${i}_spec.rb`, write: (w) => [`  let(:${snake(w)}) { '`, "' }"] },
  { id: "php-array", path: (i) => `shop/config/services${i}.php`, write: (w) => [`    '${snake(w)}' => '`, "',"] },
  { id: "php-getenv", path: (i) => `shop/app/Keys${i}.php`, write: (w) => [`$${camel(w)} = getenv('${upper(w)}') ?: '`, "';"] },
  { id: "rust", path: (i) => `engine/src/keys${i}.rs`, write: (w) => [`const ${upper(w)}: &str = "`, '";'] },
  { id: "swift", path: (i) => `ios/App/Keys${i}.swift`, write: (w) => [`let ${camel(w)} = "`, '"'] },
  { id: "shell-export", path: (i) => `scripts/env${i}.sh`, write: (w) => [`export ${upper(w)}="`, '"'] },
  { id: "shell-default", path: (i) => `scripts/run${i}.sh`, write: (w) => [`${snake(w)}="\${${upper(w)}:-`, '}"'] },
  { id: "powershell", path: (i) => `scripts/env${i}.ps1`, write: (w) => [`$env:${upper(w)} = "`, '"'] },
  { id: "yaml", path: (i) => `config/app${i}.yaml`, write: (w, r) => (r() < 0.5 ? [`${snake(w)}: `, ""] : [`${snake(w)}: "`, '"']) },
  { id: "yaml-block-scalar", path: (i) => `config/block${i}.yaml`, write: (w) => [`${snake(w)}: |\n  `, ""] },
  { id: "json", path: (i) => `config/app${i}.json`, head: "{", tail: '  "version": 1\n}', write: (w) => [`  "${snake(w)}": "`, '",'] },
  { id: "json-escaped", path: (i) => `notebooks/explore${i}.ipynb`, head: '{"cells": [{"cell_type": "code", "source": [', tail: "]}]}", write: (w) => [`    "${snake(w)} = \\"`, '\\"\\n",'] },
  { id: "toml", path: (i) => `config/app${i}.toml`, head: "[payments]", write: (w) => [`${snake(w)} = "`, '"'] },
  { id: "ini", path: (i) => `config/app${i}.ini`, head: "[ledger]", write: (w) => [`${snake(w)}=`, ""] },
  { id: "properties", path: (i) => `core/src/main/resources/application${i}.properties`, write: (w) => [`app.${dotted(w)}=`, ""] },
  { id: "xml-attribute", path: (i) => `Bank.Web/Web${i}.config`, head: "<appSettings>", tail: "</appSettings>", write: (w) => [`  <add key="${pascal(w)}" value="`, '" />'] },
  { id: "xml-element", path: (i) => `core/conf/settings${i}.xml`, head: "<settings>", tail: "</settings>", write: (w) => [`  <${camel(w)}>`, `</${camel(w)}>`] },
  { id: "hcl-variable", path: (i) => `infra/variables${i}.tf`, write: (w) => [`variable "${snake(w)}" {\n  type      = string\n  sensitive = true\n  default   = "`, '"\n}'] },
  { id: "hcl-tfvars", path: (i) => `infra/prod${i}.tfvars`, write: (w) => [`${snake(w)} = "`, '"'] },
  { id: "dotenv", path: (i) => `deploy/service${i}.env`, write: (w) => [`${upper(w)}=`, ""] },
  { id: "dockerfile", path: (i) => `images/api${i}/Dockerfile`, head: "FROM node:20-alpine", write: (w, r) => [`${r() < 0.5 ? "ENV" : "ARG"} ${upper(w)}=`, ""] },
  { id: "dockerfile-spaced", path: (i) => `images/worker${i}/Dockerfile`, head: "FROM python:3.12-slim", write: (w, r) => [`${r() < 0.5 ? "ENV" : "ARG"} ${upper(w)} `, ""] },
  { id: "csh-setenv", path: (i) => `ops/env${i}.csh`, head: "#!/bin/csh", write: (w) => [`setenv ${upper(w)} `, ""] },
  { id: "fish-set", path: (i) => `ops/conf.d/ledger${i}.fish`, write: (w, r) => [`set ${r() < 0.5 ? "-gx" : "-x"} ${upper(w)} `, ""] },
  { id: "gradle-buildconfig", path: (i) => `android/app${i}/build.gradle`, head: "android {\n  defaultConfig {", tail: "  }\n}", write: (w) => [`    buildConfigField "String", "${upper(w)}", "\\"`, '\\""'] },
  { id: "compose-env-list", path: (i) => `deploy/compose${i}/docker-compose.yml`, head: "services:\n  api:\n    image: bank/api\n    environment:", write: (w) => [`      - ${upper(w)}=`, ""] },
  { id: "k8s-env-name-value", path: (i) => `deploy/k8s/deployment${i}.yaml`, head: "spec:\n  containers:\n    - name: api\n      env:", write: (w) => [`        - name: ${upper(w)}\n          value: "`, '"'] },
  { id: "systemd", path: (i) => `deploy/systemd/ledger${i}.service`, head: "[Service]", write: (w) => [`Environment="${upper(w)}=`, '"'] },
  { id: "postman", path: (i) => `qa/collection${i}.postman_collection.json`, head: '{"variable": [', tail: "]}", write: (w) => [`  {"key": "${snake(w)}", "value": "`, '", "type": "string"},'] },
  { id: "cli-flag", path: (i) => `scripts/deploy${i}.sh`, write: (w, r) => (r() < 0.5 ? [`ledgerctl sync --${kebab(w)} `, " --verbose"] : [`ledgerctl sync --${kebab(w)}=`, ""]) },
  { id: "http-header", path: (i) => `qa/requests${i}.http`, head: "GET https://api.bank.example.org/v1/accounts", write: (w) => [`X-${w.map((x) => x[0]!.toUpperCase() + x.slice(1)).join("-")}: `, ""] },
  { id: "curl-header", path: (i) => `docs/curl${i}.sh`, write: (w) => [`curl -H "${kebab(w)}: `, '" https://api.bank.example.org/v1/accounts'] },
  { id: "url-query", path: (i) => `docs/links${i}.md`, write: (w) => [`See https://api.bank.example.org/v1/report?${snake(w)}=`, "&page=2 for the report."] },
  { id: "url-query-percent-encoded", path: (i) => `docs/redirects${i}.txt`, write: (w) => [`next=https%3A%2F%2Fapi.bank.example.org%2Fv1%3F${snake(w)}%3D`, "%26page%3D2"], encode: encodeURIComponent },
  { id: "comment", path: (i) => `services/payments/notes${i}.py`, write: (w) => [`# ${w.join(" ")}: `, ""] },
  { id: "r-arrow", path: (i) => `analytics/config${i}.R`, write: (w) => [`${snake(w)} <- "`, '"'] },
  { id: "c-define", path: (i) => `firmware/include/keys${i}.h`, write: (w) => [`#define ${upper(w)} "`, '"'] },
  { id: "cmake-set", path: (i) => `firmware/cmake/keys${i}.cmake`, write: (w) => [`set(${upper(w)} "`, '")'] },
  { id: "edn-keyword", path: (i) => `ledger-clj/resources/config${i}.edn`, write: (w) => [`{:${kebab(w)} "`, '" :region "eu-west-1"}'] },
  { id: "xml-entry-element", path: (i) => `core/conf/props${i}.xml`, head: "<properties>", tail: "</properties>", write: (w) => [`  <entry key="${camel(w)}">`, "</entry>"] },
  { id: "hcl-heredoc", path: (i) => `infra/secrets${i}.tf`, head: 'resource "vault_generic_secret" "ledger" {', tail: "}", write: (w) => [`  ${snake(w)} = <<EOT\n`, "\nEOT"] },
  { id: "toml-triple-quoted", path: (i) => `config/ledger${i}.toml`, write: (w) => [`${snake(w)} = '''`, "'''"] },
  { id: "yaml-nested", path: (i) => `config/credentials${i}.yml`, head: "production:", write: (w) => (w.length > 1 ? [`  ${w[0]}:\n    ${snake(w.slice(1))}: "`, '"'] : [`  ${snake(w)}: "`, '"']) },
  { id: "yaml-anchor", path: (i) => `deploy/values${i}.yaml`, head: "ledger:", write: (w) => [`  ${snake(w)}: &${camel(w)} `, ""] },
  { id: "spring-default", path: (i) => `core/src/main/resources/application${i}.yml`, head: "payments:", write: (w) => [`  ${kebab(w)}: \${${upper(w)}:`, "}"] },
  { id: "kotlin-to", path: (i) => `android/app/Keys${i}.kt`, write: (w) => [`val keys = mapOf("${camel(w)}" to "`, '")'] },
  { id: "scala-arrow", path: (i) => `ledger-scala/Keys${i}.scala`, write: (w) => [`val keys = Map("${camel(w)}" -> "`, '")'] },
  { id: "markdown-table", path: (i) => `docs/onboarding${i}.md`, head: "| setting | value |\n| --- | --- |", write: (w) => [`| ${snake(w)} | `, " |"] },
  { id: "plist", path: (i) => `ios/App/Info${i}.plist`, head: "<dict>", tail: "</dict>", write: (w) => [`  <key>${pascal(w)}</key>\n  <string>`, "</string>"] },
  { id: "python-triple-quoted", path: (i) => `services/payments/keys${i}.py`, write: (w) => [`${upper(w)} = """`, '"""'] },
  { id: "csv-column", path: (i) => `data/export${i}.csv`, write: () => ["", ""] },
  { id: "sql-insert", path: (i) => `db/seed${i}.sql`, write: () => ["", ""] },
  { id: "netrc", path: (i) => `home/svc${i}/.netrc`, only: PASSWORD, write: () => ["machine api.bank.example.org login svc password ", ""] },
  { id: "jdbc-url", path: (i) => `core/conf/datasource${i}.properties`, only: PASSWORD, write: () => ["spring.datasource.url=jdbc:postgresql://db.bank.internal:5432/ledger?user=svc&password=", "&ssl=true"] },
  { id: "adonet-connection-string", path: (i) => `Bank.Api/appsettings${i}.json`, only: PASSWORD, head: '{"ConnectionStrings": {', tail: "}}", write: () => ['  "Ledger": "Server=tcp:db.bank.internal,1433;Database=ledger;User Id=svc;Password=', ';Encrypt=True;"'] },
  { id: "url-userinfo", path: (i) => `deploy/mirrors${i}.txt`, only: PASSWORD, write: () => ["https://svc:", "@artifacts.bank.example.org/libs"] },
];

class FileText {
  text = "";
  labels: Label[] = [];
  line(s: string): void {
    this.text += s + "\n";
  }
  value(before: string, value: string, after: string, k: Keyed | undefined, how: string): void {
    this.text += before;
    const start = Buffer.byteLength(this.text);
    this.text += value;
    if (k) this.labels.push({ start, end: Buffer.byteLength(this.text), rules: k.rules, cls: k.cls, how });
    this.text += after + "\n";
  }
}

/** Rows and tuples around the value for the two syntaxes whose name is a column header. */
function tableFile(s: Syntax, i: number, rand: () => number, seed: string): CorpusFile {
  const b = new FileText();
  const k = KEYED[Math.floor(rand() * KEYED.length)]!;
  const look = LOOKALIKES[Math.floor(rand() * LOOKALIKES.length)]!;
  const rows = 5 + Math.floor(rand() * 150);
  const at = new Set([Math.floor(rand() * rows), rows - 1]);
  if (s.id === "csv-column") {
    b.line(`id,holder,${snake(k.words)},created,${snake(look.words)}`);
    for (let r = 0; r < rows; r++) {
      const lookValue = expandExample(look.value, `${seed}/${s.id}/${i}/look/${r}`);
      if (at.has(r)) b.value(`${r},Holder ${r},`, expandExample(k.token, `${seed}/${s.id}/${i}/${r}`), `,2024-05-0${r % 9 + 1},${lookValue}`, k, s.id);
      else b.line(`${r},Holder ${r},,2024-05-0${r % 9 + 1},${lookValue}`);
    }
  } else {
    b.line(`INSERT INTO accounts (id, holder, ${snake(k.words)}, ${snake(look.words)}) VALUES`);
    for (let r = 0; r < rows; r++) {
      const lookValue = expandExample(look.value, `${seed}/${s.id}/${i}/look/${r}`);
      const end = r === rows - 1 ? ";" : ",";
      if (at.has(r)) b.value(`  (${r}, 'Holder ${r}', '`, expandExample(k.token, `${seed}/${s.id}/${i}/${r}`), `', '${lookValue}')${end}`, k, s.id);
      else b.line(`  (${r}, 'Holder ${r}', NULL, '${lookValue}')${end}`);
    }
  }
  return { path: s.path(i), text: b.text, labels: b.labels, syntax: s.id };
}

function syntaxFile(s: Syntax, i: number, rand: () => number, seed: string): CorpusFile {
  if (s.id === "csv-column" || s.id === "sql-insert") return tableFile(s, i, rand, seed);
  const b = new FileText();
  if (s.head) b.line(s.head);
  const n = 2 + Math.floor(rand() * 3);
  for (let j = 0; j < n; j++) {
    const sub = `${seed}/${s.id}/${i}/${j}`;
    if (rand() < 0.3 && !s.only) {
      const look = LOOKALIKES[Math.floor(rand() * LOOKALIKES.length)]!;
      const [before, after] = s.write(look.words, rand);
      const v = expandExample(look.value, `${sub}/look`);
      b.value(before, s.encode ? s.encode(v) : v, after, undefined, s.id);
      continue;
    }
    const k = s.only ?? KEYED[Math.floor(rand() * KEYED.length)]!;
    const [before, after] = s.write(k.words, rand);
    const v = expandExample(k.token, sub);
    b.value(before, s.encode ? s.encode(v) : v, after, k, s.id);
  }
  if (s.tail) b.line(s.tail);
  return { path: s.path(i), text: b.text, labels: b.labels, syntax: s.id };
}

/** `perSyntax` files of every syntax. */
export function syntaxCorpus(seed: string, perSyntax: number): CorpusFile[] {
  const rand = seededRandom(`${seed}/syntaxes`);
  return SYNTAXES.flatMap((s) => Array.from({ length: perSyntax }, (_, i) => syntaxFile(s, i, rand, seed)));
}
