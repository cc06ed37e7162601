import { jsonReporter } from "./json.js";
import { sarifReporter } from "./sarif.js";
import { textReporter } from "./text.js";
import { gitlabReporter } from "./gitlab.js";
import { githubAnnotationsReporter } from "./github-annotations.js";
import { githubSummaryReporter } from "./step-summary.js";
import { junitReporter } from "./junit.js";
import { azureLoggingReporter } from "./azure-logging.js";
import { bitbucketInsightsReporter } from "./bitbucket-insights.js";
import type { Reporter } from "./report.js";

/** Output formats by name; other layers (CI annotations, GitLab) register theirs here. */
export const REPORTERS: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  gitlab: gitlabReporter,
  "github-annotations": githubAnnotationsReporter,
  "github-summary": githubSummaryReporter,
  junit: junitReporter,
  azure: azureLoggingReporter,
  bitbucket: bitbucketInsightsReporter,
};

export type { Reporter, ReportOptions, ScanReport } from "./report.js";
