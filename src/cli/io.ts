// The CLI's window on the world, passed in so tests can run commands in-process.
import type { InternalVerifierOptions } from "../verify/verifier.js";

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  stdin: AsyncIterable<Buffer | string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Internal, set only by tests that run the CLI in-process: transport overrides for --verify (a
   * local server and its CA). processIO never sets it; no flag or variable reaches it.
   */
  verifier?: InternalVerifierOptions;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIO, stream: "stdout" | "stderr" = "stdout"): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return io[stream].isTTY === true;
}
