// What each tag on a rule (and so on a finding) means. Tags are references to the controls and
// weaknesses a leaked credential bears on, so that a finding can be filed against the control an
// auditor asks about. The README's "Compliance tags" table is generated from this one.

export type Framework = "PCI DSS v4.0" | "SOC 2" | "CWE" | "GDPR" | "keyfence";

export interface ComplianceTag {
  tag: string;
  framework: Framework;
  /** The requirement or weakness, in the standard's own terms (shortened). */
  title: string;
  /** Which findings carry it, and why. */
  appliesTo: string;
}

export const COMPLIANCE_TAGS: readonly ComplianceTag[] = [
  {
    tag: "PCI-DSS-4.0-3.3.1.1",
    framework: "PCI DSS v4.0",
    title: "Full track data is not retained after authorization",
    appliesTo: "magnetic-stripe track data",
  },
  {
    tag: "PCI-DSS-4.0-3.4.1",
    framework: "PCI DSS v4.0",
    title: "PAN is masked when displayed",
    appliesTo: "card numbers (PAN) in source, logs or fixtures",
  },
  {
    tag: "PCI-DSS-4.0-3.5.1",
    framework: "PCI DSS v4.0",
    title: "PAN is rendered unreadable anywhere it is stored",
    appliesTo: "card numbers and track data stored in a repository",
  },
  {
    tag: "PCI-DSS-4.0-3.6.1",
    framework: "PCI DSS v4.0",
    title: "Cryptographic keys are protected against disclosure and misuse",
    appliesTo: "private keys, keystores, service-account keys",
  },
  {
    tag: "PCI-DSS-4.0-3.7.5",
    framework: "PCI DSS v4.0",
    title: "Keys are retired or replaced when their integrity is weakened or compromise is suspected",
    appliesTo: "private keys, keystores, service-account keys (a committed key is a suspected compromise)",
  },
  {
    tag: "PCI-DSS-4.0-6.5.3",
    framework: "PCI DSS v4.0",
    title: "Pre-production environments are separated from production",
    appliesTo: "environment-separation findings (live key in test code, sandbox key in production config)",
  },
  {
    tag: "PCI-DSS-4.0-8.3.2",
    framework: "PCI DSS v4.0",
    title: "Authentication factors are unreadable in transmission and storage",
    appliesTo: "passwords in connection strings, URLs, Basic-auth headers and registry configs",
  },
  {
    tag: "PCI-DSS-4.0-8.6.2",
    framework: "PCI DSS v4.0",
    title: "Credentials of application and system accounts are not hard-coded in scripts, configuration or source",
    appliesTo: "production (or unknown-environment) API keys, tokens, client secrets, passwords, private keys",
  },
  {
    tag: "PCI-DSS-4.0-8.6.3",
    framework: "PCI DSS v4.0",
    title: "Credentials of application and system accounts are protected against misuse: changed on a risk-based schedule and on suspected compromise",
    appliesTo: "the same credentials as 8.6.2; the rotation windows (30/60/90/180 days) implement the schedule",
  },
  {
    tag: "SOC2-CC6.1",
    framework: "SOC 2",
    title: "Logical access security: credentials for infrastructure and software are managed, encryption keys protected",
    appliesTo: "every credential that grants access to an account or signs on its behalf, sandbox included",
  },
  {
    tag: "GDPR-Art-32",
    framework: "GDPR",
    title: "Security of processing of personal data",
    appliesTo: "bank account numbers (IBAN) of natural persons",
  },
  {
    tag: "CWE-214",
    framework: "CWE",
    title: "Invocation of process using visible sensitive information",
    appliesTo: "passwords given on a command line (mysql -p, sshpass -p, docker login -p, redis-cli -a, curl -u), which process lists, shell histories and CI logs show",
  },
  {
    tag: "CWE-312",
    framework: "CWE",
    title: "Cleartext storage of sensitive information",
    appliesTo: "card data, IBANs, Kubernetes Secret values (base64 is not encryption)",
  },
  {
    tag: "CWE-321",
    framework: "CWE",
    title: "Use of hard-coded cryptographic key",
    appliesTo: "private keys, keystores, webhook signing (HMAC) secrets",
  },
  {
    tag: "CWE-359",
    framework: "CWE",
    title: "Exposure of private personal information to an unauthorized actor",
    appliesTo: "bank account numbers (IBAN)",
  },
  {
    tag: "CWE-532",
    framework: "CWE",
    title: "Insertion of sensitive information into log file",
    appliesTo: "short-lived tokens that typically leak through logs and captured requests",
  },
  {
    tag: "CWE-598",
    framework: "CWE",
    title: "Use of GET request method with sensitive query strings",
    appliesTo: "API keys sent as URL query parameters, which proxies, browser histories and server logs keep",
  },
  {
    tag: "CWE-798",
    framework: "CWE",
    title: "Use of hard-coded credentials",
    appliesTo: "every API key, token, secret or password written into code or configuration",
  },
  {
    tag: "public-by-design",
    framework: "keyfence",
    title: "Public by design: no control is breached by publishing it",
    appliesTo: "publishable and client keys (severity info, not reported unless --report-info)",
  },
];

const BY_TAG = new Map(COMPLIANCE_TAGS.map((t) => [t.tag, t]));

export function complianceTag(tag: string): ComplianceTag | undefined {
  return BY_TAG.get(tag);
}

/** A reference to an external control or weakness (as opposed to keyfence's own classification). */
export function isControlTag(tag: string): boolean {
  const t = BY_TAG.get(tag);
  return t !== undefined && t.framework !== "keyfence";
}
