// A plan in the shape each engine consumes, so that no workflow has to reshape JSON with jq:
//  - github-matrix: `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}` (one entry per shard);
//  - gitlab: a child pipeline (JSON is YAML) whose scan job fans out with `parallel:matrix`;
//  - k8s-indexed: an Indexed Job with one completion per shard (JOB_COMPLETION_INDEX is the shard).
// The scan jobs read the full plan from plan.json; these carry shard numbers only.
import type { FleetPlan } from "./plan.js";

export const PLAN_FORMATS = ["github-matrix", "gitlab", "k8s-indexed"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function githubMatrix(plan: FleetPlan): object {
  return { include: plan.shards.map((s) => ({ shard: s.index, shards: plan.shards.length, repositories: s.repositories.length })) };
}

/**
 * V8's helper threads (compilers, garbage collection) sized to the runner's cores instead of Node's
 * fixed four, which on a two-core runner preempt the scanning thread: history and tree scans ran
 * 5–12% faster on this project's 2-core machine (README, Performance).
 */
const POOL_OPTION = "--v8-pool-size=0";

export function gitlabChildPipeline(plan: FleetPlan, options: { image?: string } = {}): object {
  const image = options.image ?? "node:20";
  const install = 'npm install --global "keyfence@${KEYFENCE_VERSION:-latest}"';
  return {
    stages: ["scan", "merge"],
    "keyfence-fleet-scan": {
      stage: "scan",
      image,
      needs: [{ pipeline: "$PARENT_PIPELINE_ID", job: "keyfence-fleet-plan" }],
      parallel: { matrix: [{ KEYFENCE_SHARD: plan.shards.map((s) => String(s.index)) }] },
      variables: { NODE_OPTIONS: POOL_OPTION },
      // Mirrors and results (the checkpoints) of the shard from the last run.
      cache: { key: "keyfence-fleet-$KEYFENCE_SHARD", paths: ["fleet-out/"] },
      script: [
        install,
        // The token reaches git as a header in the environment, never in a URL or a file.
        'export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$CI_SERVER_URL/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf \'oauth2:%s\' "$KEYFENCE_FLEET_TOKEN" | base64 -w0)"',
        'keyfence fleet scan --plan plan.json --shard "$KEYFENCE_SHARD" --out fleet-out',
      ],
      artifacts: { when: "always", paths: ["fleet-out/repos/", "fleet-out/shard-*.json"] },
    },
    "keyfence-fleet-merge": {
      stage: "merge",
      image,
      when: "always",
      script: [install, "keyfence fleet merge fleet-out --output fleet.json --output fleet.sarif --output fleet-rotation.md --output fleet-rotation.html"],
      artifacts: { when: "always", paths: ["fleet.json", "fleet.sarif", "fleet-rotation.md", "fleet-rotation.html"] },
    },
  };
}

/** The manifest of templates/fleet/keyfence-fleet-job.yaml, for the plan's number of shards. */
export function k8sIndexedJob(plan: FleetPlan): object {
  const n = plan.shards.length;
  const labels = { "app.kubernetes.io/name": "keyfence-fleet" };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "keyfence-fleet-scan", labels },
    spec: {
      completionMode: "Indexed",
      completions: n,
      parallelism: Math.min(n, 8),
      backoffLimitPerIndex: 2,
      maxFailedIndexes: n,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
          containers: [
            {
              name: "scan",
              image: "node:20",
              command: ["sh", "-c", 'npx --yes keyfence fleet scan --plan /plan/plan.json --shard "$JOB_COMPLETION_INDEX" --out "/results/shard-$JOB_COMPLETION_INDEX"'],
              env: [
                { name: "HOME", value: "/tmp" },
                { name: "NODE_OPTIONS", value: POOL_OPTION },
                { name: "GIT_CONFIG_COUNT", value: "1" },
                { name: "GIT_CONFIG_KEY_0", value: "http.https://github.com/.extraheader" },
                { name: "GIT_CONFIG_VALUE_0", valueFrom: { secretKeyRef: { name: "keyfence-fleet-git", key: "extraheader" } } },
                // Every shard digests with the one key, or the merge counts a credential once per shard.
                { name: "KEYFENCE_FINGERPRINT_KEY", valueFrom: { secretKeyRef: { name: "keyfence-fleet-key", key: "fingerprint-key" } } },
              ],
              resources: { requests: { cpu: "1", memory: "256Mi" }, limits: { memory: "512Mi" } },
              volumeMounts: [
                { name: "plan", mountPath: "/plan", readOnly: true },
                { name: "results", mountPath: "/results" },
              ],
            },
          ],
          volumes: [
            { name: "plan", configMap: { name: "keyfence-fleet-plan" } },
            { name: "results", persistentVolumeClaim: { claimName: "keyfence-fleet-results" } },
          ],
        },
      },
    },
  };
}

export function renderPlanFormat(plan: FleetPlan, format: PlanFormat): string {
  const doc = format === "github-matrix" ? githubMatrix(plan) : format === "gitlab" ? gitlabChildPipeline(plan) : k8sIndexedJob(plan);
  // The matrix goes into $GITHUB_OUTPUT as one line; the others are files.
  return format === "github-matrix" ? JSON.stringify(doc) + "\n" : JSON.stringify(doc, null, 2) + "\n";
}
