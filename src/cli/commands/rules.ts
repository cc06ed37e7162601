import { resolve } from "node:path";
import { parse } from "../args.js";
import { resolveConfig } from "../../config/config.js";
import { rulesForConfig } from "../../scanner.js";
import { loadRulePacks } from "../../rules/load.js";
import { describeFailure, testRules } from "../../rules/tester.js";
import { KeyfenceError } from "../../errors.js";
import type { CliIO } from "../io.js";
import type { Command } from "../command.js";
import type { Rule } from "../../types.js";

const OPTIONS = {
  config: { type: "string", short: "c" },
  format: { type: "string", short: "f" },
  help: { type: "boolean", short: "h" },
} as const;

const USAGE = `Usage: keyfence rules list [--format text|json] [--config FILE]
       keyfence rules test [PACK…] [--config FILE]

list   the active rules: id, severity, environment, provider and title
test   run every rule's own examples (must-match and must-not-match); with PACK files or folders,
       test those packs instead of the configured rules. Exit 1 when an example fails.`;

function listText(rules: readonly Rule[]): string {
  const rows = rules.map((r) => [r.id, r.severity, r.environment, r.provider, r.title]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), 4));
  const out = rows.map((row) => row.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  "));
  return `${out.join("\n")}\n${rules.length} rules\n`;
}

export const rulesCommand: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parse("rules", args, OPTIONS, true);
    const [action, ...packs] = positionals;
    if (!action) {
      io.stdout.write(USAGE + "\n");
      return 2;
    }
    const { config } = resolveConfig(io.cwd, values.config && resolve(io.cwd, values.config));
    if (action === "list") {
      const rules = rulesForConfig(config);
      io.stdout.write(values.format === "json" ? JSON.stringify(rules.map(({ examples: _e, origin: _o, ...r }) => r), null, 2) + "\n" : listText(rules));
      return 0;
    }
    if (action === "test") {
      const rules = packs.length ? loadRulePacks(packs.map((p) => resolve(io.cwd, p))) : rulesForConfig(config);
      const report = testRules(rules);
      for (const f of report.failures) io.stdout.write(describeFailure(f) + "\n");
      io.stdout.write(`${report.rules} rules, ${report.examples} examples, ${report.failures.length} failed\n`);
      return report.failures.length ? 1 : 0;
    }
    throw new KeyfenceError(`unknown action "${action}" (use list or test)`, { subject: "keyfence rules" });
  },
};
