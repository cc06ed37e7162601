// The official SARIF 2.1.0 schema (rtm.5, the final release), as shipped by Microsoft's
// @microsoft/jest-sarif package; it is JSON Schema draft-04, hence ajv-draft-04.
import { createRequire } from "node:module";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;

const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
(addFormats as unknown as (a: AjvDraft04) => void)(ajv);
const validate = ajv.compile(schema);

/** Schema errors of a SARIF document (empty when valid). */
export function sarifErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
