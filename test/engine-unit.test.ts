import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { Engine } from "../src/engine/engine.js";
import { shannonEntropy } from "../src/engine/entropy.js";
import { base62, crc32Base62Valid, ibanValid, luhnValid } from "../src/engine/validators.js";
import { isPlaceholder } from "../src/engine/placeholders.js";
import { redact } from "../src/finding/redact.js";
import { revealSecret } from "../src/finding/secret-store.js";
import { expandExample } from "../src/rules/example-template.js";
import { ruleFromSpec } from "../src/rules/load.js";
import { BUILTIN, positive } from "./helpers/secrets.js";

const engine = new Engine(BUILTIN);

describe("entropy", () => {
  it("is 0 for one repeated symbol and log2(n) for n equally frequent symbols", () => {
    expect(shannonEntropy(Buffer.from("aaaaaaaa"))).toBe(0);
    expect(shannonEntropy(Buffer.from("abcd"))).toBeCloseTo(2);
    expect(shannonEntropy(Buffer.from(""))).toBe(0);
  });
});

describe("validators", () => {
  it("Luhn accepts generated card numbers and rejects a changed digit", () => {
    const pan = expandExample("{{luhn:16:4}}", "pan");
    expect(luhnValid(pan)).toBe(true);
    const broken = pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10);
    expect(luhnValid(broken)).toBe(false);
    expect(luhnValid("1234")).toBe(false);
  });
  it("IBAN mod-97 accepts generated IBANs and rejects a transposition", () => {
    const iban = expandExample("{{iban:DE:22}}", "iban");
    expect(ibanValid(iban)).toBe(true);
    const swapped = iban.slice(0, 10) + iban[11] + iban[10] + iban.slice(12);
    if (swapped !== iban) expect(ibanValid(swapped)).toBe(false);
    expect(ibanValid("GB00")).toBe(false);
  });
  it("CRC32/base62 checks the last six characters against the 30 before them", () => {
    const body = "a".repeat(10) + "B".repeat(10) + "0123456789";
    expect(crc32Base62Valid(`ghp_${body}${base62(crc32(body), 6)}`)).toBe(true);
    expect(crc32Base62Valid(`ghp_${body}000000`)).toBe(false);
    expect(crc32Base62Valid(`npm_${expandExample("{{crc32-base62:30}}", "npm")}`)).toBe(true);
  });
});

describe("placeholders", () => {
  it.each(["${STRIPE_KEY}", "{{ secret }}", "<YOUR_KEY>", "process.env.STRIPE_KEY", "sk_live_XXXXXXXXXXXXXXXX", "your_api_key_here", "AKIAIOSFODNN7EXAMPLE", "0000000000000000"])(
    "%s is a placeholder",
    (v) => expect(isPlaceholder(v, [])).toBe(true),
  );
  it("random values are not placeholders, unless a configured stopword says so", () => {
    const v = expandExample("{{alnum:32}}", "p");
    expect(isPlaceholder(v, [])).toBe(false);
    expect(isPlaceholder(`fixture${v}`, ["fixture"])).toBe(true);
  });
});

describe("redaction", () => {
  it("keeps the prefix and the last four characters, with a fixed-width mask", () => {
    const secret = positive("stripe-secret-key-live", 0).split("=")[1]!;
    const r = redact(secret, "sk_live_");
    expect(r.startsWith("sk_live_")).toBe(true);
    expect(r.endsWith(secret.slice(-4))).toBe(true);
    expect(r).not.toContain(secret.slice(8, -4));
    expect(redact("short-secret-12", "")).toBe("••••••••");
  });
  it("shows the armor header of PEM blocks, not the body", () => {
    const pem = positive("private-key-pem", 0);
    const [f] = engine.scanBuffer(Buffer.from(pem), { path: "k.pem" });
    expect(f!.redacted.startsWith("-----BEGIN RSA PRIVATE KEY-----••••••••")).toBe(true);
  });
});

describe("findings", () => {
  it("locates the secret by line and UTF-16 column, after multi-byte text", () => {
    const key = positive("stripe-secret-key-live", 1).split('"')[1]!;
    const text = `première ligne\n// 中文 😀 x = "${key}"\n`;
    const [f] = engine.scanBuffer(Buffer.from(text), { path: "a.js" });
    expect(f).toMatchObject({ line: 2, ruleId: "stripe-secret-key-live" });
    const line2 = text.split("\n")[1]!;
    expect(f!.column).toBe(line2.indexOf(key) + 1);
    expect(f!.endColumn).toBe(line2.indexOf(key) + key.length + 1);
  });

  it("has a fingerprint that survives moving the secret to another line", () => {
    const secretLine = positive("stripe-secret-key-live", 0);
    const a = engine.scanBuffer(Buffer.from(`${secretLine}\n`), { path: "x.env" })[0]!;
    const b = engine.scanBuffer(Buffer.from(`# moved\n\n\nFOO=1\n${secretLine}\n`), { path: "x.env" })[0]!;
    expect(a.line).not.toBe(b.line);
    expect(a.fingerprint).toBe(b.fingerprint);
    const c = engine.scanBuffer(Buffer.from(`${secretLine}\n`), { path: "y.env" })[0]!;
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it("never puts the raw secret in an enumerable field; it is revealed only on request", () => {
    const text = positive("stripe-secret-key-live", 0);
    const secret = text.split("=")[1]!;
    const [f] = engine.scanBuffer(Buffer.from(text), { path: "x" });
    expect(JSON.stringify(f)).not.toContain(secret);
    expect(JSON.stringify({ ...f })).not.toContain(secret);
    expect(revealSecret(f!)).toBe(secret);
    expect(f!.secretDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reports a value once: generic rules yield to the provider rule for the same secret", () => {
    const key = positive("stripe-secret-key-live", 1).split('"')[1]!;
    const found = engine.scanBuffer(Buffer.from(`api_token = "${key}"`), { path: "x" });
    expect(found.map((f) => f.ruleId)).toEqual(["stripe-secret-key-live"]);
  });

  it("reports the same secret twice in a file at both places", () => {
    const line = positive("stripe-secret-key-live", 0);
    const found = engine.scanBuffer(Buffer.from(`${line}\n${line}\n`), { path: "x" });
    expect(found.map((f) => f.line)).toEqual([1, 2]);
  });

  it("applies a rule's entropy gate", () => {
    const low = 'password = "abababababababab"';
    expect(engine.scanBuffer(Buffer.from(low), { path: "x" })).toEqual([]);
  });

  it("runs the rule regex only near keywords (a custom rule without its keyword nearby never fires)", () => {
    const rule = ruleFromSpec(
      {
        id: "custom-far",
        kind: "token",
        title: "t",
        severity: "high",
        keywords: ["acme_"],
        regex: "acme_(?P<secret>[a-z]{10})|(zzzzzzzzzz)",
        window: { before: 1, after: 20 },
        examples: { match: ["acme_qkzmxwprtv", "x acme_qwertyuiop"], noMatch: ["z", "y"] },
      },
      { provider: "Acme", family: "custom" },
      { file: "inline" },
    );
    const e = new Engine([rule]);
    expect(e.scanBuffer(Buffer.from("acme_qkzmxwprtv"), { path: "x" })).toHaveLength(1);
    // 'zzzzzzzzzz' alone matches the regex but has no keyword: the prefilter never runs the rule.
    expect(e.scanBuffer(Buffer.from("zzzzzzzzzz"), { path: "x" })).toHaveLength(0);
  });
});

describe("keys one per line", () => {
  // A rule's closing boundary must not take the newline that the next line's key opens with.
  it("every key of a list is found, for every rule whose example is one line", () => {
    const lost: string[] = [];
    let lists = 0;
    for (const rule of BUILTIN) {
      // The secret alone on each line (as in a file of keys), where it is found alone.
      const lines = [0, 1, 2].map((k) => {
        const text = positive(rule.id, 0, `#list${k}`);
        const f = text.includes("\n") ? undefined : engine.scanBuffer(Buffer.from(text), { path: "p" }).find((x) => x.ruleId === rule.id);
        return f ? text.slice(f.column - 1, f.endColumn - 1) : undefined;
      });
      if (lines.some((l) => l === undefined)) continue;
      const alone = lines.map((l) => engine.scanBuffer(Buffer.from(l!), { path: "p" }).filter((f) => f.ruleId === rule.id).length);
      if (alone.some((n) => n !== 1)) continue;
      lists++;
      const together = engine.scanBuffer(Buffer.from(lines.join("\n")), { path: "p" }).filter((f) => f.ruleId === rule.id);
      if (together.length !== 3) lost.push(`${rule.id}: ${together.length} of 3`);
    }
    expect(lost).toEqual([]);
    expect(lists).toBeGreaterThan(200);
  });

  // A percent-escape or a backslash escape ends with a letter or digit, but it is a boundary.
  it("a key right after an escape (`key%3D…`, JSON's `\\n…`) is found, for every rule whose example is one line", () => {
    const lost: string[] = [];
    let tried = 0;
    for (const rule of BUILTIN) {
      const text = positive(rule.id, 0, "#escape");
      if (text.includes("\n") || !rule.regex?.startsWith("(?:^|[^")) continue;
      const f = engine.scanBuffer(Buffer.from(text), { path: "p" }).find((x) => x.ruleId === rule.id);
      if (!f) continue;
      const secret = text.slice(f.column - 1, f.endColumn - 1);
      if (engine.scanBuffer(Buffer.from(secret), { path: "p" }).filter((x) => x.ruleId === rule.id).length !== 1) continue;
      tried++;
      for (const before of ["next=a%3Fkey%3D", '{"env": "A=1\\n']) {
        const found = engine.scanBuffer(Buffer.from(`${before}${secret}&x=1"`), { path: "p" }).filter((x) => x.ruleId === rule.id);
        if (found.length !== 1) lost.push(`${rule.id} after ${before}`);
      }
    }
    expect(lost).toEqual([]);
    expect(tried).toBeGreaterThan(150);
  });
});
