// Last line of defence for error text: messages are built from paths, keys and rule ids, but a
// user can put anything in a key name or a file name. Whatever the built-in rules recognise as a
// credential in a message is replaced by its redacted form before it is printed.
import { Engine } from "../engine/engine.js";
import { loadBuiltinRules } from "../rules/load.js";

let engine: Engine | undefined;

export function scrubSecrets(message: string): string {
  try {
    engine ??= new Engine(loadBuiltinRules());
    const findings = engine.scanBuffer(Buffer.from(message), { path: "message" });
    if (findings.length === 0) return message;
    const bytes = Buffer.from(message);
    const parts: string[] = [];
    let pos = 0;
    for (const f of findings) {
      if (f.offset < pos) continue;
      parts.push(bytes.subarray(pos, f.offset).toString("utf8"), f.redacted);
      pos = f.endOffset;
    }
    parts.push(bytes.subarray(pos).toString("utf8"));
    return parts.join("");
  } catch {
    // If the rules themselves cannot load, mask every long token that mixes cases and digits, as
    // keys do (a path such as rules/payments/stripe.yaml stays readable).
    return message.replace(/[A-Za-z0-9+/_=-]{20,}/g, (t) => (/[0-9]/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t) ? "••••••••" : t));
  }
}
