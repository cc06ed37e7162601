import { describe, expect, it } from "vitest";
import { childPairs, nameAround, pairsAt, type Syntax } from "../src/engine/assignment/pairs.js";
import { acceptsName, compileAssignment, mentionsName, nameWords } from "../src/engine/assignment/rule-names.js";
import { loadRulePack } from "../src/rules/load.js";
import { Engine } from "../src/engine/engine.js";
import { KeyfenceError } from "../src/errors.js";
import { expandExample } from "../src/rules/example-template.js";
import { BUILTIN } from "./helpers/secrets.js";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { lineEnd, lineStart } from "../src/engine/assignment/bytes.js";
import { revealSecret } from "../src/finding/secret-store.js";

// A fake value built at run time (the repository holds no credential-shaped literal).
const V = ["q7Rk", "2mZx", "9LpW", "v4Tn", "8sHd"].join("");

/** [text with § where the value goes, the name word the keyword hit is on, expected syntax]. */
const SYNTAXES: [string, string, Syntax][] = [
  ['const apiKey = "§";', "apiKey", "assignment"],
  ["API_KEY=§\n", "API_KEY", "assignment"],
  ["  api_key: §\n", "api_key", "assignment"],
  ['{"api_key": "§"}', "api_key", "assignment"],
  ['{\\"api_key\\": \\"§\\"}', "api_key", "assignment"],
  ["token := `§`", "token", "assignment"],
  ["const key = process.env.STRIPE_KEY ?? '§'", "STRIPE_KEY", "fallback"],
  ["const key = process.env.STRIPE_KEY || '§'", "STRIPE_KEY", "fallback"],
  ["key = os.environ.get('STRIPE_KEY', '§')", "STRIPE_KEY", "call"],
  ["key = ENV.fetch('STRIPE_KEY', '§')", "STRIPE_KEY", "call"],
  ["key = ENV.fetch('STRIPE_KEY') { '§' }", "STRIPE_KEY", "call"],
  ["key = os.getenv('STRIPE_KEY') or '§'", "STRIPE_KEY", "fallback"],
  ["$key = getenv('STRIPE_KEY') ?: '§';", "STRIPE_KEY", "fallback"],
  ['val key = System.getenv("STRIPE_KEY") ?: "§"', "STRIPE_KEY", "fallback"],
  ['os.Setenv("STRIPE_KEY", "§")', "STRIPE_KEY", "call"],
  ['Environment="STRIPE_KEY=§"', "STRIPE_KEY", "assignment"],
  ["machine api.example.org login bob password §\n", "password", "flag"],
  ['{"key": "api_key", "value": "§"}', "api_key", "entry"],
  ["let(:api_key) { '§' }", "api_key", "call"],
  ['- name: STRIPE_KEY\n  value: "§"', "STRIPE_KEY", "entry"],
  ['variable "stripe_key" {\n  type = string\n  default = "§"\n}', "stripe_key", "block"],
  ['<add key="StripeKey" value="§" />', "StripeKey", "entry"],
  ["<password>§</password>", "password", "element"],
  ['curl -H "Authorization: Bearer §" https://api.example.org', "Authorization", "assignment"],
  ["mytool --api-key §\n", "api-key", "flag"],
  ["mytool --api-key=§\n", "api-key", "flag"],
  ["https://api.example.org/a?api_key=§&b=1", "api_key", "query"],
  ["https%3A%2F%2Fapi.example.org%2Fa%3Fapi_key%3D§%26b%3D1", "api_key", "query"],
  ["Server=x;User Id=sa;Password=§;", "Password", "assignment"],
  ["id,name,api_key\n1,Bob,§\n", "api_key", "column"],
  ["INSERT INTO creds (id, holder, api_key) VALUES (1, 'Bob', '§');", "api_key", "column"],
  ["# api key: §\n", "api", "assignment"],
  ['const API_KEY: &str = "§";', "API_KEY", "assignment"],
  ['var apiKey string = "§"', "apiKey", "assignment"],
  ['apiKey: string = "§"', "apiKey", "assignment"],
  ["token: |\n  §\n", "token", "assignment"],
  ["ENV API_KEY §\n", "API_KEY", "flag"],
  ['$env:API_KEY = "§"', "API_KEY", "assignment"],
  ['builder.apiKey("§")', "apiKey", "call"],
  ['key="${STRIPE_KEY:-§}"', "STRIPE_KEY", "fallback"],
  ['api_key - "§"', "api_key", "assignment"],
  ["'api_key' => '§',", "api_key", "assignment"],
  ["password = r'§'", "password", "assignment"],
  ['api_secret <- "§"', "api_secret", "assignment"],
  ['#define API_SECRET "§"', "API_SECRET", "assignment"],
  ['set(API_SECRET "§")', "API_SECRET", "assignment"],
  ['{:api-secret "§" :region "eu"}', "api-secret", "assignment"],
  ['SetEnv API_SECRET "§"\n', "API_SECRET", "flag"],
  ['<entry key="apiSecret">§</entry>', "apiSecret", "entry"],
  ["api_secret = <<EOF\n§\nEOF\n", "api_secret", "assignment"],
  ["api_secret = <<-EOT\n    §\n    EOT\n", "api_secret", "assignment"],
  ["api_secret = '''§'''", "api_secret", "assignment"],
  ['API_SECRET = """§"""', "API_SECRET", "assignment"],
  ["api_secret: &creds §\n", "api_secret", "assignment"],
  ["api_secret: !!str §\n", "api_secret", "assignment"],
  ['val m = mapOf("apiSecret" to "§")', "apiSecret", "assignment"],
  ['val m = Map("apiSecret" -> "§")', "apiSecret", "assignment"],
  ["| api_secret | § |\n", "api_secret", "assignment"],
  ["| api_secret | `§` |\n", "api_secret", "assignment"],
  ["<key>ApiSecret</key>\n\t<string>§</string>", "ApiSecret", "element"],
  ["password: ${DB_PASS:§}\n", "DB_PASS", "assignment"],
  ["ARG NPM_TOKEN §\n", "NPM_TOKEN", "flag"],
  ["setenv API_TOKEN §\n", "API_TOKEN", "flag"],
  ["set -gx API_TOKEN §\n", "API_TOKEN", "flag"],
  ["set --export --global API_TOKEN '§'\n", "API_TOKEN", "flag"],
  ['set api_token "§"\n', "api_token", "flag"],
  ['buildConfigField "String", "API_KEY", "\\"§\\""', "API_KEY", "call"],
  ['buildConfigField("String", "API_KEY", "\\"§\\"")', "API_KEY", "call"],
  ['resValue "string", "api_key", "§"', "api_key", "call"],
  ['-define(API_KEY, "§").', "API_KEY", "call"],
  ['constexpr char kApiKey[] = "§";', "kApiKey", "assignment"],
  ['static const char api_key[64] = "§";', "api_key", "assignment"],
  ["$ENV{API_KEY} = '§';", "API_KEY", "assignment"],
  ["$config{api_key} = '§';", "api_key", "assignment"],
];

describe("the assignment grammar reads name → value in every syntax", () => {
  it("the rule-pack schema's assignment.syntaxes accepts exactly the syntaxes the grammar reads", () => {
    const schema = JSON.parse(readFileSync(new URL("../schema/rule-pack.schema.json", import.meta.url), "utf8"));
    const rule = schema.definitions.rule.properties;
    expect(new Set(rule.assignment.properties.syntaxes.items.enum)).toEqual(new Set(SYNTAXES.map(([, , syntax]) => syntax)));
  });

  for (const [template, word, syntax] of SYNTAXES) {
    it(`${syntax}: ${JSON.stringify(template)}`, () => {
      const text = template.replace("§", V);
      const b = Buffer.from(text);
      const at = text.indexOf(word);
      const pairs = pairsAt(b, at, at + word.length);
      expect(pairs.map((p) => [p.syntax, b.toString("utf8", p.value.start, p.value.end)])).toEqual([[syntax, V]]);
    });
  }

  it("reads every row of a column, far below its header", () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${i},holder ${i},${V}${i}`).join("\n");
    const text = `id,holder,api_key\n${rows}\n`;
    const b = Buffer.from(text);
    const pairs = pairsAt(b, text.indexOf("api_key"), text.indexOf("api_key") + 7);
    expect(pairs).toHaveLength(400);
    expect(b.toString("utf8", pairs[399]!.value.start, pairs[399]!.value.end)).toBe(`${V}399`);
  });

  it("a YAML block's parent key names its children's values (`twilio:` / `  auth_token: v`)", () => {
    const text = `twilio:\n  # the account\n  account_sid: AC123\n  auth_token: "${V}"\n  nested:\n    deep: x\nother: y\n`;
    const b = Buffer.from(text);
    const pairs = childPairs(b, nameAround(b, 0, 6)!);
    expect(pairs.map((p) => [b.toString("utf8", p.child!.start, p.child!.end), b.toString("utf8", p.value.start, p.value.end)])).toEqual([
      ["account_sid", "AC123"],
      ["auth_token", V],
    ]);
    const found = new Engine(BUILTIN).scanBuffer(Buffer.from(`twilio:\n  auth_token: "${"0123456789abcdef".split("").reverse().join("")}${"a1b2c3d4e5f60718"}"\n`), { path: "config/credentials.yml" });
    expect(found.map((f) => [f.line, f.ruleId])).toEqual([[2, "twilio-auth-token"]]);
    expect(childPairs(Buffer.from("twilio: value\n  x: y\n"), nameAround(Buffer.from("twilio: value\n  x: y\n"), 0, 6)!)).toEqual([]);
  });

  it("reads the word's name when the keyword hit spells a delimiter beside it (`,pan`, `pan=`)", () => {
    for (const [text, keyword] of [["name,pan,expiry\nBob,§,12/29\n", ",pan"], ["pan=§\n", "pan="], ['{"pan": "§"}', '"pan"']] as const) {
      const t = text.replace("§", V);
      const b = Buffer.from(t);
      const at = t.indexOf(keyword);
      expect(pairsAt(b, at, at + keyword.length).map((p) => b.toString("utf8", p.value.start, p.value.end)), text).toEqual([V]);
    }
  });

  it("finds no assignment where code only mentions a name", () => {
    for (const text of [
      'console.log("MFA token: "+e.token)',
      "token = getToken()",
      "password: this.options.proxyPassword",
      "if (token) {",
      "tokens.push(token)",
      'log token "expired" + reason',
      'f(token "a", b)',
      "token <- getToken",
      'token = """\nmulti-line docstring\n"""',
      "token = <<EOF\nline one\nline two\nEOF\n",
      '<entry key="token"><value>x</value></entry>',
      "a | token | b",
      "| snowflake-token | Snowflake | token | critical |",
      "$obj->token->value",
      "<key>token</key><integer>3</integer>",
      'format("%s", "token", "abcdefghijkl0123456789", more)',
      "reset API_TOKEN value\n",
      "  offset token abcdef0123456789xyz\n",
    ]) {
      const b = Buffer.from(text);
      const at = text.indexOf(text.includes("token") ? "token" : "password");
      expect(pairsAt(b, at, at + 5), text).toEqual([]);
    }
  });
});

describe("names are word sequences in any case convention", () => {
  it("a value that spells a name is code, but a short name cut out of a random value by its case changes is not", () => {
    const a = compileAssignment({ names: ["pwd", "pass", "api key"], value: ".+", exclude: [] }, {});
    expect(mentionsName(a, nameWords("setApiKey"))).toBe(true);
    expect(mentionsName(a, nameWords("Wl9EF5rPWdJqleJMXc"))).toBe(false);
    expect(mentionsName(a, nameWords("q7PassZx9"))).toBe(false);
  });

  it("splits snake, kebab, camel, Pascal, dotted and spaced names alike", () => {
    for (const n of ["DD_API_KEY", "ddApiKey", "dd-api-key", "dd.api.key", "DdApiKey", "dd api key"]) expect(nameWords(n)).toEqual(["dd", "api", "key"]);
    expect(nameWords("APIKey")).toEqual(["api", "key"]);
    expect(nameWords("oauth2Token")).toEqual(["oauth2", "token"]);
  });

  it("accepts a name that holds the rule's words contiguously, also run together", () => {
    const a = compileAssignment({ names: ["dd api key"], value: ".+", exclude: [] }, {});
    for (const n of ["DD_API_KEY", "ddApiKey", "MY_DD_API_KEY_PROD", "DDAPIKEY"]) expect(acceptsName(a, nameWords(n)), n).toBe(true);
    for (const n of ["DD_KEY", "api_key", "dd_api_key_id", "DdApiKeyArn"]) expect(acceptsName(a, nameWords(n)), n).toBe(false);
  });

  it("a long first run may end a word glued to a prefix (PGPASSWORD), a short one may not", () => {
    const a = compileAssignment({ names: ["password", "api key", "token", "plaid * secret"], value: ".+", exclude: [] }, {});
    for (const n of ["PGPASSWORD", "DBPASSWORD", "MYAPIKEY", "redisPassword"]) expect(acceptsName(a, nameWords(n)), n).toBe(true);
    // "token" and "plaid" are too short to be found at a word's end; a glued run must end the word.
    for (const n of ["MYTOKEN", "xplaid_secret", "PASSWORDHASH_SALT"]) expect(acceptsName(a, nameWords(n)), n).toBe(false);
  });

  it("drops names about a secret rather than of one (shared and per rule)", () => {
    const a = compileAssignment({ names: ["token", "password"], value: ".+", exclude: ["refresh interval"] }, {});
    for (const n of ["nextPageToken", "version_token", "PasswordLastUsed", "TOKEN_TTL", "token_refresh_interval"]) expect(acceptsName(a, nameWords(n)), n).toBe(false);
    for (const n of ["accessToken", "DB_PASSWORD"]) expect(acceptsName(a, nameWords(n)), n).toBe(true);
    // A secret's encrypted or hashed form is not the secret (Travis's api_key: / secure: …).
    for (const n of ["api_token.secure", "password_hash", "token_digest", "PASSWORD_ENCRYPTED"]) expect(acceptsName(a, nameWords(n)), n).toBe(false);
  });
});

const PACK = `provider: Acme
rules:
  - id: acme-key
    kind: api-key
    title: Acme API key
    severity: high
    keywords: [acme]
    assignment:
      names: ["acme api key", "acme key"]
      value: '[a-z0-9]{24}'
    examples:
      match: ['ACME_API_KEY={{lowernum:24}}', "acmeKey: '{{lowernum:24}}'", '- name: ACME_KEY\\n  value: {{lowernum:24}}']
      noMatch: ['ACME_API_KEY={{lowernum:12}}', 'ACME_API_KEY_ID={{lowernum:24}}', 'acme = {{lowernum:24}}']
`;

describe("the assignment rule field", () => {
  it("loads, needs no regex, and its keywords are case-insensitive", () => {
    const [rule] = loadRulePack("rules/custom/acme.yaml", { text: PACK });
    expect(rule!.regex).toBeUndefined();
    expect(rule!.keywordsCaseInsensitive).toBe(true);
    expect(rule!.assignment).toEqual({ names: ["acme api key", "acme key"], value: "[a-z0-9]{24}", exclude: [] });
  });

  it("reports the value, at the value", () => {
    const [rule] = loadRulePack("rules/custom/acme.yaml", { text: PACK });
    const value = "k3j5h7g9f1d3s5a7p9o1i3u5";
    const text = `x: 1\nACME_API_KEY=${value}\n`;
    const [f] = new Engine([rule!]).scanBuffer(Buffer.from(text), { path: "a.env" });
    expect([f?.line, f?.column, f?.endColumn]).toEqual([2, 14, 14 + value.length]);
  });

  it("refuses a rule with neither regex nor assignment, and a bad value pattern", () => {
    const noRegex = PACK.replace(/ {4}assignment:\n.*\n.*\n/, "");
    expect(() => loadRulePack("rules/custom/acme.yaml", { text: noRegex })).toThrow(KeyfenceError);
    const bad = PACK.replace("'[a-z0-9]{24}'", "'(?=x)'");
    expect(() => loadRulePack("rules/custom/acme.yaml", { text: bad })).toThrow(/lookaround/);
  });
});

describe("precision and provider attribution at the grammar", () => {
  const engine = new Engine(BUILTIN);
  const ids = (text: string, path = "a.txt") => engine.scanBuffer(Buffer.from(text), { path }).map((f) => f.ruleId);

  it("a prefixed token glued to %3D in a percent-encoded URL is its provider's key", () => {
    const key = expandExample("sk_live_51{{alnum:97}}", "pct");
    expect(ids(`next=https%3A%2F%2Fapi.example.org%2Fv1%3Fstripe_secret_key%3D${key}%26page%3D2\n`)).toEqual(["stripe-secret-key-live"]);
  });

  it("an assignment limited to some syntaxes reads its name only there (`key` in a URL query, not in code)", () => {
    const [rule] = loadRulePack("rules/custom/key.yaml", {
      text: `provider: Acme\nrules:\n  - id: acme-key\n    kind: api-key\n    title: Acme key\n    severity: high\n    keywords: [key]\n    assignment:\n      names: [key]\n      value: '[A-Za-z0-9]{24}'\n      syntaxes: [query]\n    examples:\n      match: ['?key={{alnum:24}}', '&key={{alnum:24}}']\n      noMatch: ['key = "{{alnum:24}}"', 'key: {{alnum:24}}']\n`,
    });
    const only = new Engine([rule!]);
    const v = expandExample("{{alnum:24}}", "q");
    const found = (text: string) => only.scanBuffer(Buffer.from(text), { path: "a.txt" }).length;
    expect(found(`https://api.example.org/v1?key=${v}&page=2`)).toBe(1);
    expect(found(`key = "${v}"`)).toBe(0);
    expect(found(`{"key": "${v}"}`)).toBe(0);
  });

  it("a generic rule defers to the generic rule it names: Basic credentials are the Basic rule's, not the Bearer rule's", () => {
    const basic = Buffer.from(`svc-payments:${expandExample("{{alnum:20}}", "basic")}`).toString("base64");
    expect(ids(`headers = {'Authorization': 'Basic ${basic}'}\n`)).toEqual(["http-basic-auth-header"]);
    expect(ids(`Authorization: Bearer ${expandExample("{{alnum:40}}", "bearer")}\n`)).toEqual(["http-bearer-token"]);
  });

  it("a card number under a name that rules it out (card_id) is not a PAN", () => {
    const pan = expandExample("{{luhn:16:4}}", "pan");
    expect(ids(`card_number = "${pan}"\n`)).toEqual(["pci-card-pan"]);
    expect(ids(`card_id = "${pan}"\n`)).toEqual([]);
    // The grammar finds the name in any syntax it reads: a call, a type annotation, RSpec's let, JSON-escaped text.
    for (const text of [`.cardId("${pan}")`, `const cardId: string = \`${pan}\`;`, `let(:card_id) { '${pan}' }`, `"card_id = \\"${pan}\\"\\n",`, `cardId := "${pan}"`]) expect(ids(`${text}\n`), text).toEqual([]);
    // A space alone separates a name from its value too.
    expect(ids(`set -x CARD_NUMBER ${pan}\n`)).toEqual(["pci-card-pan"]);
    expect(ids(`set -x CARD_ID ${pan}\n`)).toEqual([]);
    expect(ids(`ENV CARD_ID "${pan}"\n`)).toEqual([]);
    // A name that makes its value an identifier (order_id, an IMEI), and a quoted name before a comma.
    expect(ids(`// order_id = ${pan}\n`)).toEqual([]);
    expect(ids(`device_imei: ${pan}\n`)).toEqual([]);
    expect(ids(`CARD_ID = ENV.fetch('CARD_ID', '${pan}')\n`)).toEqual([]);
    expect(ids(`card_number = ENV.fetch('CARD_NUMBER', '${pan}')\n`)).toEqual(["pci-card-pan"]);
    // Runs of spaces and quotes before the value (a first version of the space reading never ended here).
    expect(ids(`card_number =  " ${pan}"\n`)).toEqual(["pci-card-pan"]);
    expect(ids(`CARD_ID   =  '${pan}'\n`)).toEqual([]);
    // A name on a line above whose value the grammar reads here: an entry's name, a Terraform variable.
    expect(ids(`env:\n  - name: CARD_ID\n    value: "${pan}"\n`)).toEqual([]);
    expect(ids(`env:\n  - name: CARD_NUMBER\n    value: "${pan}"\n`)).toEqual(["pci-card-pan"]);
    expect(ids(`variable "card_id" {\n  type      = string\n  sensitive = true\n  default   = "${pan}"\n}\n`, "vars.tf")).toEqual([]);
    expect(ids(`variable "card_number" {\n  type      = string\n  sensitive = true\n  default   = "${pan}"\n}\n`, "vars.tf")).toEqual(["pci-card-pan"]);
    // A name above that holds its own value says nothing of the next line's.
    expect(ids(`card_id = 17\ncard_number = "${pan}"\n`)).toEqual(["pci-card-pan"]);
  });

  it("string literals the language joins are one value: + in Java/JS/Python, . in PHP, across lines", () => {
    const v = expandExample("{{alnum:28}}", "joined");
    const [a, b] = [v.slice(0, 14), v.slice(14)];
    const secrets = (text: string) => engine.scanBuffer(Buffer.from(text), { path: "a.txt" }).map((f) => `${f.ruleId}:${revealSecret(f)}`);
    for (const text of [`api_secret = "${a}" + "${b}"\n`, `String apiSecret = "${a}" +\n    "${b}";\n`, `$api_secret = '${a}' . '${b}';\n`, `const apiSecret = "${a.slice(0, 7)}" + "${a.slice(7)}" + "${b}";\n`]) {
      expect(secrets(text), text).toEqual([`generic-secret-assignment:${v}`]);
    }
    // Only literals join: a variable ends the value, and `+=` is not a join.
    expect(secrets(`api_secret = "${a}" + suffix\n`)).toEqual([`generic-secret-assignment:${a}`]);
    expect(secrets(`api_secret = "${a}"; total += "${b}"\n`)).toEqual([`generic-secret-assignment:${a}`]);
    expect(secrets(`api_secret = "${v}" + "/v1"\n`)).toEqual([`generic-secret-assignment:${v}`]);
    // A self-identifying token split in two is its provider's, found by its own rule in the joined value.
    const sk = expandExample("sk_live_{{alnum:24}}", "joined-stripe");
    const found = engine.scanBuffer(Buffer.from(`STRIPE_SECRET_KEY = "${sk.slice(0, 16)}" +\n  "${sk.slice(16)}";\n`), { path: "Keys.java" });
    expect(found.map((f) => `${f.ruleId}:${revealSecret(f)}:${f.line}-${f.endLine}`)).toEqual([`stripe-secret-key-live:${sk}:1-2`]);
    expect(found[0]!.message).toMatch(/string literals joined/);
  });

  it("a cell of an SQL VALUES tuple is named by its column, read back from the cell", () => {
    const pan = (r: number) => expandExample("{{luhn:16:4}}", `sql-${r}`);
    const insert = (column: string, rows: number) =>
      `INSERT INTO accounts (id, "holder", \`${column}\`, note) VALUES\n${Array.from({ length: rows }, (_, r) => `  (${r}, 'O''Brien, ${r}', '${pan(r)}', 'a (b), c')`).join(",\n")};\n`;
    expect(ids(insert("card_id", 40))).toEqual([]);
    expect(ids(insert("card_number", 40))).toEqual(Array(40).fill("pci-card-pan"));
    // A PAN in a call or an ordinary tuple has no column; nor has a cell whose tuple holds a call (not read).
    expect(ids(`charge_card(1, "${pan(1)}")\n`)).toEqual(["pci-card-pan"]);
    expect(ids(`INSERT INTO t (id, card_id) VALUES (NOW(), '${pan(2)}');\n`)).toEqual(["pci-card-pan"]);
    // The column is read within what every window keeps before it: a stream cut anywhere gives the same findings.
    const text = Buffer.from(insert("card_number", 30) + insert("card_id", 30) + insert("card_number", 30));
    const whole = engine.scanBuffer(text, { path: "seed.sql" }).map((f) => `${f.ruleId}:${f.line}`);
    expect(whole).toHaveLength(60);
    for (const size of [1, 7, 100, 4093]) {
      const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, k) => text.subarray(k * size, (k + 1) * size));
      const streamed: string[] = [];
      const s = engine.session({ path: "seed.sql" }, (f) => streamed.push(`${f.ruleId}:${f.line}`));
      for (const p of pieces) s.push(p);
      s.end();
      expect(streamed, `chunks of ${size}`).toEqual(whole);
    }
  });

  it("names that describe a secret, and ARN or timestamp values, are never a secret's value", () => {
    const v = expandExample("{{alnum:40}}", "desc");
    for (const text of [`"SecretsManagerAccessRoleArn": "arn:aws:iam::${expandExample("{{digits:12}}", "d")}:role/reader"`, `"PasswordLastUsed": "2024-03-01T12:00:00Z"`, `version_token: "${v}"`, `# next page token: ${v}`, `TOKEN_TTL=${v}`]) {
      expect(ids(text), text).toEqual([]);
    }
  });
});

describe("line bounds", () => {
  // The reference: a byte loop, as the grammar first had it. The native search must agree everywhere.
  const loopStart = (b: Buffer, p: number, limit: number) => {
    const stop = Math.max(0, p - limit);
    let i = p;
    while (i > stop && b[i - 1] !== 0x0a) i--;
    return i === 0 || b[i - 1] === 0x0a ? i : -1;
  };
  const loopEnd = (b: Buffer, p: number, limit: number) => {
    const stop = Math.min(b.length, p + limit);
    let i = p;
    while (i < stop && b[i] !== 0x0a) i++;
    if (i === stop && i < b.length) return -1;
    return i > p && b[i - 1] === 0x0d ? i - 1 : i;
  };
  it("lineStart and lineEnd give what a byte loop gives, short lines and long", () => {
    const bytes = fc.array(fc.constantFrom(0x0a, 0x0d, 0x61, 0x2c, 0x20), { maxLength: 600 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(bytes, fc.nat(), fc.integer({ min: 1, max: 400 }), (b, at, limit) => {
        const p = b.length ? at % (b.length + 1) : 0;
        expect(lineStart(b, p, limit)).toBe(loopStart(b, p, limit));
        expect(lineEnd(b, p, limit)).toBe(loopEnd(b, p, limit));
      }),
      { numRuns: 3000 },
    );
  });
});
