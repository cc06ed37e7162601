// Rule sets compile each rule's regexes on first use (start-up cost); a bad regex handed straight to
// the API must still be refused when the scanner is created, not in the middle of a scan.
import { describe, expect, it } from "vitest";
import { createScanner } from "../src/scanner.js";
import { KeyfenceError } from "../src/errors.js";
import { positive, ruleById } from "./helpers/secrets.js";

describe("lazy regex compilation", () => {
  it("still rejects an invalid API rule at createScanner", () => {
    const bad = { ...ruleById("stripe-secret-key-live"), id: "bad", regex: "(?P<secret>sk_live_(" };
    expect(() => createScanner({ rules: [bad] })).toThrow(KeyfenceError);
  });

  it("finds with rules first compiled mid-scan what an eager scanner finds", () => {
    const rule = ruleById("stripe-secret-key-live");
    const text = positive("stripe-secret-key-live", 0, "#lazy");
    const found = createScanner({ rules: [rule] }).scanBuffer(`x\n${text}\n`, { path: "p" });
    expect(found).toHaveLength(1);
    expect(found[0]!.ruleId).toBe("stripe-secret-key-live");
  });
});
