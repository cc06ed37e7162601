// Environment separation, a control of its own: production credentials never belong in test,
// fixture, example or development code, and sandbox credentials never in production configuration.
// Each breach is a finding with its own rule id, next to the credential's own finding.
import picomatch from "picomatch";
import { fingerprintOf } from "../finding/fingerprint.js";
import { withRemediation } from "../finding/remediation.js";
import { ROTATION_DAYS, type Finding, type Severity } from "../types.js";

export interface EnvironmentPaths {
  /** Globs of non-production locations: tests, fixtures, examples, sandbox and development config. */
  nonProduction?: string[];
  /** Globs of production configuration. */
  production?: string[];
}

export const DEFAULT_NON_PRODUCTION = [
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/spec/**",
  "**/specs/**",
  "**/fixtures/**",
  "**/__fixtures__/**",
  "**/testdata/**",
  "**/examples/**",
  "**/example/**",
  "**/samples/**",
  "**/sandbox/**",
  "**/*.test.*",
  "**/*.spec.*",
  "**/*_test.*",
  "**/*.sandbox.*",
  "**/.env.development",
  "**/.env.dev",
  "**/.env.test",
  "**/.env.local",
  "**/*.example",
  "**/*.sample",
];

export const DEFAULT_PRODUCTION = [
  "**/.env.production",
  "**/.env.prod",
  "**/*.production.*",
  "**/*.prod.*",
  "**/production/**",
  "**/prod/**",
  "**/overlays/prod*/**",
];

/** The rules this control reports under; listed so reporters (SARIF) can describe them. */
export const ENVIRONMENT_RULES = {
  liveInNonProduction: {
    id: "env-live-credential-in-nonproduction",
    title: "Live credential in a test, fixture, example or development location",
    severity: "high" as Severity,
    advice:
      "use a sandbox or test credential there, rotate the live one, and keep production keys only in production secret stores",
  },
  sandboxInProduction: {
    id: "env-sandbox-credential-in-production",
    title: "Sandbox credential in production configuration",
    severity: "medium" as Severity,
    advice: "production must use its own live credential from the secret manager; a sandbox key there means payments silently go nowhere",
  },
} as const;

export type EnvironmentCheck = (f: Finding) => Finding[];

/** Returns the environment-separation findings a credential finding gives rise to (often none). */
export function environmentCheck(paths: EnvironmentPaths = {}): EnvironmentCheck {
  const nonProd = picomatch(paths.nonProduction ?? DEFAULT_NON_PRODUCTION, { dot: true });
  const prod = picomatch(paths.production ?? DEFAULT_PRODUCTION, { dot: true });
  return (f) => {
    let rule: (typeof ENVIRONMENT_RULES)[keyof typeof ENVIRONMENT_RULES] | undefined;
    if (f.environment === "live" && nonProd(f.path)) rule = ENVIRONMENT_RULES.liveInNonProduction;
    // A sandbox verdict drawn from the file name itself says nothing about production config.
    else if (f.environment === "sandbox" && f.environmentSource !== "path" && prod(f.path)) rule = ENVIRONMENT_RULES.sandboxInProduction;
    if (!rule) return [];
    // The credential's own window still governs its rotation; this finding is about where it sits.
    const rotateDays = f.rotateDays ?? ROTATION_DAYS[rule.severity];
    return [
      withRemediation(f, { rotateDays, ...(f.revokeUrl !== undefined && { revokeUrl: f.revokeUrl }), advice: rule.advice }, {
        ruleId: rule.id,
        title: rule.title,
        kind: "environment-separation",
        severity: rule.severity,
        fingerprint: fingerprintOf(rule.id, f.path, f.secretDigest),
        message: `${rule.title}: ${f.title} (${f.provider}, ${f.environment}) in ${f.path}`,
        tags: [...new Set([...f.tags, "PCI-DSS-4.0-6.5.3", "SOC2-CC6.1"])],
      }),
    ];
  };
}
