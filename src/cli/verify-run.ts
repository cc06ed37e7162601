// `--verify` in every scanning command: the configuration may forbid it (`verify: never` wins, and
// says so in one line), each outbound request is appended to the audit log as it completes, and a
// summary line goes to stderr. Nothing here runs, and nothing is sent, without the flag.
import { appendAuditLog } from "../audit/audit-log.js";
import { safeName } from "../names/present.js";
import type { InternalVerifierOptions } from "../verify/verifier.js";
import type { Config } from "../config/config.js";
import type { Finding, Rule } from "../types.js";
import type { CliIO } from "./io.js";

export interface VerifyRunOptions {
  config: Config;
  rules: readonly Rule[];
  /** Where each request is recorded (the run's audit log, else the repository's default one). */
  auditFile: string;
}

export async function verifyIfAsked(asked: boolean | undefined, findings: Finding[], io: CliIO & { verifier?: InternalVerifierOptions }, options: VerifyRunOptions): Promise<Finding[]> {
  if (!asked) return findings;
  if (options.config.verify === "never") {
    io.stderr.write("keyfence: --verify ignored: the configuration forbids verification (verify: never); nothing was sent.\n");
    return findings;
  }
  if (findings.length === 0) return findings;
  // Loaded only when asked: a scan without --verify does not even load the verifier.
  const { verifyFindings } = await import("../verify/verifier.js");
  const { findings: out, requests } = await verifyFindings(findings, {
    ...io.verifier,
    env: io.env,
    rules: options.rules,
    onRequest: (record) => appendAuditLog(options.auditFile, io.cwd, [record]),
  });
  const counts = ["live", "revoked", "unknown", "error"].map((s) => `${out.filter((f) => f.verification?.status === s).length} ${s}`).join(", ");
  io.stderr.write(`keyfence: verified ${out.length} finding(s): ${counts}; ${requests} request(s) sent${requests ? `, recorded in ${safeName(options.auditFile)}` : ""}.\n`);
  return out;
}
