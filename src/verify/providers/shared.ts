// Small pieces every provider table uses: auth headers, the live-or-sandbox host, and the
// "needs its companion part" check.
import type { Environment } from "../../types.js";
import type { Verification, VerifyInput } from "../types.js";

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

/** The live host for live and unknown findings (where the risk is), the sandbox host for sandbox ones. */
export function hostFor(environment: Environment, live: string, sandbox: string): string {
  return environment === "sandbox" ? sandbox : live;
}

/** Roles among `roles` the input has no value for. */
export function lacking(input: VerifyInput, roles: readonly string[]): string[] {
  return roles.filter((r) => !input.parts.has(r));
}

export function part(input: VerifyInput, role: string): string {
  const v = input.parts.get(role);
  if (v === undefined) throw new Error(`missing part ${role}`);
  return v;
}

export const notVerifiable = (why: string): Verification => ({ status: "unknown", reason: `${why} (not sent)` });

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
