// --verify through the CLI, in-process (the same code path after argv) with the verifier's
// transport injected through CliIO, which no flag or variable reaches: nothing is sent without the
// flag or under `verify: never`; every format shows the verdict; a live key blocks as critical.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { positive } from "../helpers/secrets.js";
import { tempTree } from "../helpers/cli.js";
import { reply, startServer, type ProviderServer } from "./server.js";

let server: ProviderServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function cli(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: (async function* () {})(),
    env: { NO_COLOR: "1" },
    cwd,
    verifier: { route: server.route, ca: server.ca },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

// A SendGrid key is medium: below --fail-on high until verification finds it live.
const tree = () => tempTree({ "app.env": `${positive("sendgrid-api-key", 0, "cli")}\n` });

describe("keyfence scan --verify", () => {
  it("sends nothing without the flag", async () => {
    server.seen.length = 0;
    server.respond = reply(200);
    const r = await cli(["scan", ".", "--format", "json", "--fail-on", "high"], tree());
    expect(server.seen).toHaveLength(0);
    expect(JSON.parse(r.stdout).findings[0].verification).toBeUndefined();
    expect(r.code).toBe(0);
  });

  it("sends nothing when the configuration says never, and says so in one line", async () => {
    server.seen.length = 0;
    const dir = tree();
    writeFileSync(join(dir, "keyfence.config.json"), JSON.stringify({ verify: "never" }));
    const r = await cli(["scan", ".", "--verify", "--format", "json", "--fail-on", "high"], dir);
    expect(server.seen).toHaveLength(0);
    expect(r.stderr).toContain("keyfence: --verify ignored: the configuration forbids verification (verify: never); nothing was sent.\n");
    expect(r.code).toBe(0);
  });

  it("a live key is critical and blocks; the request is in the audit log without the value", async () => {
    server.seen.length = 0;
    server.respond = reply(200);
    const dir = tree();
    const audit = join(dir, "audit.jsonl");
    const r = await cli(["scan", "app.env", "--verify", "--format", "json", "--fail-on", "high", "--audit-log", audit], dir);
    expect(server.seen).toHaveLength(1);
    const f = JSON.parse(r.stdout).findings[0];
    expect(f.verification.status).toBe("live");
    expect(f.severity).toBe("critical");
    expect(r.code).toBe(1);
    const lines = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const request = lines.find((l) => l.type === "verification");
    expect(request).toMatchObject({ provider: "sendgrid", host: "api.sendgrid.com", ruleId: "sendgrid-api-key", status: "live", endpoint: "GET /v3/scopes" });
    const secret = server.seen[0]!.headers.authorization!.replace("Bearer ", "");
    expect(readFileSync(audit, "utf8")).not.toContain(secret);
    expect(r.stderr).toContain("keyfence: verified 1 finding(s): 1 live, 0 revoked, 0 unknown, 0 error; 1 request(s) sent");
  });

  it("unknown and revoked leave --fail-on as it was", async () => {
    for (const [respond, status] of [
      [reply(401), "revoked"],
      [reply(418), "unknown"],
    ] as const) {
      server.respond = respond;
      const r = await cli(["scan", "app.env", "--verify", "--format", "json", "--fail-on", "high", "--audit-log", "a.jsonl"], tree());
      expect(JSON.parse(r.stdout).findings[0].verification.status).toBe(status);
      expect(r.code).toBe(0);
    }
  });

  it("every format shows the verdict", async () => {
    server.respond = reply(200);
    const dir = tree();
    const out = async (format: string) => (await cli(["scan", "app.env", "--verify", "--format", format, "--audit-log", "a.jsonl"], dir)).stdout;
    expect(await out("text")).toMatch(/CRITICAL\s* \[verified live\] .*\n.*\n    check: live: the key authenticated/);
    const sarif = JSON.parse(await out("sarif")).runs[0].results[0];
    expect(sarif.properties.verification).toBe("live");
    expect(sarif.message.text).toContain("Verification: live (");
    const gitlab = JSON.parse(await out("gitlab")).vulnerabilities[0];
    expect(gitlab.details.verification.value).toMatch(/^live: /);
    expect(gitlab.description).toContain("Verification: live");
    expect(await out("junit")).toContain("[verified live]");
    expect(await out("azure")).toContain("[verified live]");
    expect(await out("bitbucket")).toContain("[verified live]");
    expect(await out("github-annotations")).toContain("[verified live]");
  });
});
