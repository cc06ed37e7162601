// Git as a source of bytes: the index (`StagedSource`), commit ranges and whole histories
// (`GitRangeSource`) and the tree at HEAD (`HeadBlobsSource`). Nothing here knows about rules or
// policy; findings come from the orchestrator (src/orchestrator/git.ts runs them).
export { StagedSource, type StagedOptions } from "./staged.js";
export { GitRangeSource, type GitRangeOptions, type GitScanSummary } from "./range.js";
export { HeadBlobsSource } from "./head.js";
export type { CommitInfo } from "./patch-parser.js";
