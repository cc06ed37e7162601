import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const action = parse(readFileSync(join(import.meta.dirname, "..", "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};

describe("action.yml", () => {
  const steps = action.runs.steps;

  it("is a composite action: set up Node, run keyfence ci, upload SARIF with a category, then fail", () => {
    expect(action.runs.using).toBe("composite");
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    const scan = steps.find((s) => s.id === "scan")!;
    // V8's helper threads sized to the runner's cores: Node's default four preempt the scan on 2 cores.
    expect(scan.run).toContain('node --v8-pool-size=0 "$KF_BIN" "${args[@]}"');
    expect(scan.run).toContain("args=(ci ");
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.with).toEqual({ sarif_file: "${{ inputs.sarif }}", category: "${{ inputs.category }}" });
    expect(upload.if).toContain("always()");
    // The job fails only after the upload, so results show up either way.
    expect(steps.indexOf(upload)).toBeLessThan(steps.length - 1);
    expect(steps.at(-1)!.if).toContain("steps.scan.outputs.exit-code != '0'");
  });

  it("has inputs for fail-on, config and the SARIF path", () => {
    expect(action.inputs["fail-on"]!.default).toBe("medium");
    expect(action.inputs.config).toBeDefined();
    expect(action.inputs.sarif!.default).toBe("keyfence.sarif");
    expect(action.inputs.category!.default).toBe("keyfence");
  });

  it("never splices an input into a script: inputs reach run steps through env", () => {
    for (const s of steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
  });
});
