// keyfence's public API. Everything here is documented in the README; anything not exported is
// internal and may change.
export { createScanner, rulesForConfig } from "./scanner.js";
export type { Scanner, ScannerOptions, ScanFilesOptions } from "./scanner.js";
export { loadBuiltinRules, loadRulePack, loadRulePacks, BUILTIN_RULES_DIR } from "./rules/load.js";
export { testRules, describeFailure } from "./rules/tester.js";
export type { RuleTestReport, ExampleFailure } from "./rules/tester.js";
export { loadConfigFile, resolveConfig } from "./config/config.js";
export type { Config, FailOn } from "./config/config.js";
export { REPORTERS } from "./report/index.js";
export type { Reporter, ReportOptions, ScanReport } from "./report/index.js";
export { revealSecret } from "./engine/secret-store.js";
export { KeyfenceError } from "./errors.js";
export { SEVERITIES, ROTATION_DAYS } from "./types.js";
export type { Finding, Rule, Severity, Environment, ScanTarget } from "./types.js";
export { VERSION } from "./version.js";
export { planFromEnvironment } from "./ci/environment.js";
export { revisionRange, type CiPlan, type CiProvider } from "./ci/plan.js";
export { writeCiOutputs, type CiOutputOptions } from "./ci/outputs.js";
export { loadBaseline, BaselineMatcher, type Baseline, type BaselineEntry } from "./policy/baseline.js";
export { scanStaged, scanGitRange, scanHistory, exposureSentence } from "./sources/git/index.js";
export type { StagedOptions, StagedSummary, GitRangeOptions, GitScanSummary, HistoryOptions, HistoryFinding, Exposure, CommitInfo } from "./sources/git/index.js";
export type { ScannerSession } from "./scanner.js";
