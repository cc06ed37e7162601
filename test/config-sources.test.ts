import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { discoverConfigFile, loadConfigFile, mergeConfigs, resolveConfig } from "../src/config/config.js";
import { KeyfenceError } from "../src/errors.js";
import { runCli } from "./helpers/cli.js";
import { positive } from "./helpers/secrets.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kf-config-"));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

function errorOf(fn: () => unknown): KeyfenceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeyfenceError) return err;
    throw err;
  }
  throw new Error("expected a KeyfenceError");
}

describe("config discovery", () => {
  it("walks up from the working folder to the repository root, and no further", () => {
    const root = tree({
      "keyfence.config.json": `{"failOn": "low"}`, // outside the repository: never read
      "repo/.git/HEAD": "ref: refs/heads/main\n",
      "repo/keyfence.config.yaml": "failOn: high\n",
      "repo/packages/a/src/x.ts": "",
      "other/.git/HEAD": "",
      "other/src/y.ts": "",
    });
    expect(discoverConfigFile(join(root, "repo/packages/a/src"))).toBe(join(root, "repo/keyfence.config.yaml"));
    expect(resolveConfig(join(root, "repo/packages/a")).config.failOn).toBe("high");
    expect(discoverConfigFile(join(root, "other/src"))).toBeUndefined();
  });

  it("reads the keyfence key of package.json, after keyfence.config.* in the same folder", () => {
    const root = tree({
      ".git/HEAD": "",
      "package.json": JSON.stringify({ name: "app", keyfence: { failOn: "critical", disableRules: ["aws-access-key-id"] } }),
      "pkg/package.json": JSON.stringify({ name: "no-config-here" }),
      "both/package.json": JSON.stringify({ keyfence: { failOn: "low" } }),
      "both/keyfence.config.json": `{"failOn": "info"}`,
    });
    expect(resolveConfig(join(root, "pkg")).config).toEqual({ failOn: "critical", disableRules: ["aws-access-key-id"] });
    expect(resolveConfig(join(root, "both")).config.failOn).toBe("info");
  });

  it("names package.json, the line and the key when the keyfence key is invalid", () => {
    const root = tree({ ".git/HEAD": "", "package.json": `{\n  "name": "app",\n  "keyfence": {\n    "failOn": "sometimes"\n  }\n}\n` });
    const err = errorOf(() => resolveConfig(root));
    expect(err.format()).toBe(`${join(root, "package.json")}:4: key keyfence.failOn: "keyfence.failOn" must be one of: critical, high, medium, low, info, never`);
  });
});

describe("extends", () => {
  it("merges bases first: values override, lists add up, objects merge; paths resolve per file", () => {
    const root = tree({
      ".git/HEAD": "",
      "shared/base.yaml": "failOn: high\ndisableRules: [aws-access-key-id]\nrulePacks: [./packs]\nseverity: { stripe-secret-key-test: medium }\nallowlist: { paths: [\"fixtures/**\"] }\n",
      "apps/web/keyfence.config.json": JSON.stringify({
        extends: "../../shared/base.yaml",
        failOn: "critical",
        disableRules: ["private-key-pgp"],
        severity: { "generic-secret-assignment": "low" },
        allowlist: { stopwords: ["dummy"] },
        baseline: "./baseline.json",
      }),
    });
    const loaded = resolveConfig(join(root, "apps/web"));
    expect(loaded.files).toEqual([join(root, "shared/base.yaml"), join(root, "apps/web/keyfence.config.json")]);
    expect(loaded.config).toEqual({
      failOn: "critical",
      disableRules: ["aws-access-key-id", "private-key-pgp"],
      rulePacks: [join(root, "shared/packs")],
      severity: { "stripe-secret-key-test": "medium", "generic-secret-assignment": "low" },
      allowlist: { paths: ["fixtures/**"], stopwords: ["dummy"] },
      baseline: join(root, "apps/web/baseline.json"),
    });
  });

  it("resolves packages from node_modules (scoped, with or without a subpath) and folders", () => {
    const root = tree({
      ".git/HEAD": "",
      "node_modules/@bank/keyfence-config/package.json": JSON.stringify({ name: "@bank/keyfence-config", keyfence: { failOn: "high" } }),
      "node_modules/@bank/keyfence-config/strict.yaml": "failOn: low\n",
      "node_modules/plain-config/keyfence.config.json": `{"exclude": ["vendor/**"]}`,
      "team/keyfence.config.yaml": "reportInfo: true\n",
      "a/keyfence.config.json": JSON.stringify({ extends: "@bank/keyfence-config" }),
      "b/keyfence.config.json": JSON.stringify({ extends: ["@bank/keyfence-config/strict.yaml", "plain-config", "../team"] }),
    });
    expect(resolveConfig(join(root, "a")).config).toEqual({ failOn: "high" });
    expect(resolveConfig(join(root, "b")).config).toEqual({ failOn: "low", exclude: ["vendor/**"], reportInfo: true });
  });

  it("detects cycles and names the file and line of the extends key", () => {
    const root = tree({
      "a.json": `{\n  "extends": "./b.yaml"\n}\n`,
      "b.yaml": "failOn: high\nextends: ./a.json\n",
      "self.json": `{"extends": "./self.json"}`,
    });
    const err = errorOf(() => loadConfigFile(join(root, "a.json")));
    expect(err.format()).toBe(`${join(root, "b.yaml")}:2: key extends: extends cycle: a.json → b.yaml → a.json`);
    expect(errorOf(() => loadConfigFile(join(root, "self.json"))).message).toBe("extends cycle: self.json → self.json");
  });

  it("a missing base or an invalid base fails with the file at fault", () => {
    const root = tree({
      "missing.json": `{"extends": "./nope.json"}`,
      "nopkg.json": `{"extends": "@bank/absent"}`,
      "bad-base.json": `{"extends": "./bad.yaml"}`,
      "bad.yaml": "failOn: high\nunknownKey: 1\n",
    });
    expect(errorOf(() => loadConfigFile(join(root, "missing.json"))).format()).toBe(
      `${join(root, "missing.json")}:1: key extends: cannot extend "./nope.json": no such file or folder`,
    );
    expect(errorOf(() => loadConfigFile(join(root, "nopkg.json"))).message).toMatch(/^cannot extend "@bank\/absent": no package "@bank\/absent" in node_modules/);
    expect(errorOf(() => loadConfigFile(join(root, "bad-base.json"))).format()).toBe(`${join(root, "bad.yaml")}:2: unknown key "unknownKey"`);
  });

  it("mergeConfigs does not repeat list items", () => {
    expect(mergeConfigs({ exclude: ["a", "b"] }, { exclude: ["b", "c"] })).toEqual({ exclude: ["a", "b", "c"] });
  });
});

describe("config from the command line", () => {
  it("a package.json keyfence key and an extended base decide what blocks", async () => {
    const secret = positive("stripe-secret-key-test", 0, "#cfg"); // low severity: does not block by default
    const root = tree({
      ".git/HEAD": "",
      "base.yaml": "failOn: low\n",
      "package.json": JSON.stringify({ name: "app", keyfence: { extends: "./base.yaml" } }),
      "src/app.env": `${secret}\n`,
    });
    const res = await runCli(["scan", "src"], { cwd: root });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain("stripe-secret-key-test");
  });

  it("an invalid config is exit 2 with one line naming the file and key, and nothing on stdout", async () => {
    const root = tree({ ".git/HEAD": "", "keyfence.config.yaml": "failOn: high\nseverity:\n  stripe-secret-key-live: urgent\n", "a.txt": "" });
    const res = await runCli(["scan", "a.txt"], { cwd: root });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain(`keyfence.config.yaml:3: key severity.stripe-secret-key-live:`);
  });
});
