// Compiled forms of the optional rule parts that only some rules use (decoder `require`, context
// patterns). Kept beside the rule rather than in CompiledRule so the hot path of plain rules is
// unchanged; compiled once per rule object and checked at load time so bad patterns fail early.
import type RE2 from "re2";
import { compilePattern } from "./compile.js";
import type { Rule } from "../types.js";

export interface RuleExtras {
  require?: RE2;
  sandbox: RE2[];
  live: RE2[];
}

const cache = new WeakMap<Rule, RuleExtras>();

export function compileRuleExtras(rule: Rule): RuleExtras {
  let extras = cache.get(rule);
  if (extras) return extras;
  const where = (part: string) => ({ file: rule.origin.file, line: rule.origin.line, subject: `rule ${rule.id} ${part}` });
  extras = {
    ...(rule.decode?.require !== undefined && { require: compilePattern(rule.decode.require, "", where("decode.require")) }),
    sandbox: (rule.context?.sandbox ?? []).map((p) => compilePattern(p, "gi", where("context.sandbox"))),
    live: (rule.context?.live ?? []).map((p) => compilePattern(p, "gi", where("context.live"))),
  };
  cache.set(rule, extras);
  return extras;
}
