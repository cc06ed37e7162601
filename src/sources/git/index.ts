// Git as a source of bytes for the engine: the index (`scanStaged`), commit ranges (`scanGitRange`)
// and whole histories (`scanHistory`). Nothing here knows about rules; findings come from a Scanner.
export { scanStaged, type StagedOptions, type StagedSummary } from "./staged.js";
export { scanGitRange, type GitRangeOptions, type GitScanSummary } from "./range.js";
export { scanHistory, exposureSentence, type HistoryOptions, type HistoryFinding, type Exposure } from "./history.js";
export type { CommitInfo } from "./patch-parser.js";
