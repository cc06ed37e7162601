// The shared vocabulary: every layer (sources, engine, policy, reporters, CLI) speaks in these types.
import type { RemediationPlan } from "./finding/remediation.js";

/** Rotation-risk grades (DESIGN.md): each maps to a rotation window. `info` is public-by-design material. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Days within which a credential of this severity must be rotated once exposed. */
export const ROTATION_DAYS: Readonly<Record<Severity, number | undefined>> = {
  critical: 30,
  high: 60,
  medium: 90,
  low: 180,
  info: undefined,
};

/** Which environment a credential belongs to, read from the token itself or its surroundings. */
export type Environment = "live" | "sandbox" | "unknown";

export type ValidatorName = "luhn" | "iban" | "crc32-base62" | "pan" | "aws-key-id" | "braintree" | "jwt" | "uuid" | "random";

/**
 * How well a rule's format is established (research/provider-formats.md): A = the provider's docs or
 * SDK; B = independent sources agree; C = one source or an inference (context-gated, lower severity).
 */
export type Confidence = "A" | "B" | "C";

/** A rule as written in a pack (after defaults are applied), before compilation. */
export interface Rule {
  id: string;
  provider: string;
  /** Short name of the credential kind, e.g. "secret-key", "access-token", "private-key". */
  kind: string;
  title: string;
  /** Family of the pack the rule came from (payments, cloud, generic, …). */
  family: string;
  severity: Severity;
  environment: Environment;
  /**
   * Literals that must occur near a match; the prefilter looks for these first.
   * A keyword is matched case-sensitively unless the rule sets `keywordsCaseInsensitive`.
   */
  keywords: string[];
  keywordsCaseInsensitive: boolean;
  /**
   * A keyword counts only where a word begins: the byte before it is no ASCII letter, or it starts
   * with a capital after a lower-case letter (camelCase). "wise" then finds `WISE_TOKEN`,
   * `payoutWiseToken` and `# wise api token` but not "otherwise" or "likewise".
   */
  keywordsAtWordStart?: boolean;
  /**
   * RE2 pattern the text right after a keyword must start with for the rule to run there: a cheap
   * check that drops most hits of a common keyword ("token" in code) before any window is opened.
   * It must hold for every match (typically the part of `regex` that follows the keyword).
   */
  afterKeyword?: string;
  /**
   * RE2 syntax. The secret is the named group `secret`, or group 1 when there is no such name.
   * Optional when the rule has an `assignment`: the grammar then provides name and value.
   */
  regex?: string;
  /** A keyed credential: found by the assignment grammar as the value of a name the rule accepts. */
  assignment?: RuleAssignment;
  /** How far (bytes) before the start and after the end of a keyword hit a match may extend. */
  window: { before: number; after: number };
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  validate: ValidatorName[];
  allowlist: RuleAllowlist;
  remediation: Remediation;
  tags: string[];
  /** Generic rules yield to provider rules that report the same secret. */
  generic: boolean;
  /** Ids of rules this one yields to where both report overlapping secrets (more specific formats). */
  defersTo?: string[];
  /**
   * Ids of rules whose match this credential is given right after, with no name of its own: the next
   * string argument or item (`Client("AC…", "v")`, `auth=("rzp_live_…", "v")`, `["id", "v"]`). The
   * value must have this rule's `assignment.value` shape and pass its checks.
   */
  follows?: string[];
  confidence: Confidence;
  /** The matched text is encoded: decode it, check the decoded value and scan it with the other rules. */
  decode?: RuleDecode;
  /** For tokens without an environment marker: nearby text or the file name that tells the environment. */
  context?: RuleContext;
  /**
   * A multi-part credential anchored on this rule's matches: companion parts (other rules' matches)
   * near it in the same scan unit make one finding naming every part (src/pairing/).
   */
  pair?: RulePair;
  /**
   * What happens to this rule's finding when it is part of no pair (a lone anchor, or a companion no
   * anchor took): `keep` (default) reports it as found, a severity lowers it to that (never raises),
   * `drop` never reports it alone — a part-only rule such as a client id, which is no secret by itself.
   */
  alone?: RuleAlone;
  examples: RuleExamples;
  /** Where the rule was defined, for error messages. */
  origin: RuleOrigin;
}

/**
 * What the assignment grammar (engine/assignment) must find for a keyed rule: a name → value pair in
 * any syntax it knows (code, config files, env lists, headers, URLs, connection strings, CSV/SQL
 * columns). Names are word sequences: a name in the text is split into words at case changes, `_`,
 * `-`, `.` and spaces and lower-cased (`DD_API_KEY`, `ddApiKey`, `dd.api.key` are all `dd api key`);
 * it matches when its words contain one of `names` contiguously.
 */
export interface RuleAssignment {
  names: string[];
  /** RE2 the whole value must match. */
  value: string;
  /** Word sequences that disqualify a name even when it contains one of `names` (e.g. "page token"). */
  exclude: string[];
  /**
   * Only pairs of these syntaxes count (a name too common elsewhere: `key` is an API key in a URL's
   * query, `?key=…`, and anything at all in code). Undefined: every syntax.
   */
  syntaxes?: AssignmentSyntax[];
}

/** How the assignment grammar read a pair; rules name them in `assignment.syntaxes`. */
export type AssignmentSyntax =
  | "assignment" // name = value, name: value, name := value, name => value (code and config)
  | "fallback" // ENV ?? 'v', || 'v', or 'v', ?: 'v', ${X:-v}
  | "call" // os.Setenv("X", "v"), environ.get('X', 'v'), .apiKey("v"), let(:x) { 'v' }
  | "flag" // --api-key v, -ApiKey "v", .netrc password v, Dockerfile ENV X v, setenv X v
  | "entry" // name: X / value: v, {"key": X, "value": v}, <add key="X" value="v"/>
  | "block" // variable "x" { default = "v" }
  | "element" // <password>v</password>
  | "query" // ?api_key=v&…, plain or percent-encoded
  | "column"; // CSV / SQL INSERT where the name is a column header

export type RuleAlone = "keep" | "drop" | Severity;

/** One companion of a pair: another rule's matches, under a role name the finding uses for it. */
export interface RulePairPart {
  rule: string;
  /** How the finding names this part ("secret", "session token"); parts may share a role as alternatives. */
  role: string;
  /** Without a match of a required role there is no pair (the anchor is then alone). */
  required: boolean;
}

export interface RulePair {
  /** How the finding names the anchor (this rule's match), e.g. "key id". */
  role: string;
  parts: RulePairPart[];
  /** How far a companion may be: lines either side of the anchor, or anywhere in the same scan unit. */
  within: number | "unit";
  /** Severity of the paired finding (a sandbox part keeps the parts' own severities). */
  severity: Severity;
  /** Title and kind of the paired finding (default: the rule's, with the roles named). */
  title?: string;
  kind?: string;
}

export interface RuleAllowlist {
  /** RE2 patterns tested against the secret; a match suppresses the finding. */
  regexes: string[];
  /** Substrings (case-insensitive) that mark a secret as a placeholder. */
  stopwords: string[];
  /** Globs (picomatch) of paths where this rule never reports. */
  paths: string[];
}

/** How a decoder rule's secret is encoded. */
export type DecodeKind = "base64" | "url" | "concat";

export interface RuleDecode {
  as: DecodeKind;
  /**
   * RE2 pattern the decoded value must contain for the rule to report it itself, when no other
   * rule finds a credential inside the decoded value.
   */
  require?: string;
  /** When false, the rule reports only what other rules find inside the decoded value. */
  reportSelf: boolean;
  /** Words used in findings to say where the value was hidden, e.g. "a Kubernetes Secret value". */
  where: string;
}

export interface RuleContext {
  /** RE2 patterns (case-insensitive) near the secret that mark a sandbox/test credential. */
  sandbox: string[];
  /** RE2 patterns (case-insensitive) near the secret that mark a production credential. */
  live: string[];
  /** Bytes either side of the secret searched for those patterns (within the rule's window). */
  radius: number;
  /** Severity of the finding when the context says sandbox (default low). */
  sandboxSeverity: Severity;
}

export interface Remediation {
  rotateDays?: number;
  revokeUrl?: string;
  /** One line: what to do instead of committing the value. */
  advice?: string;
}

export interface RuleExamples {
  /** Inputs in which the rule must report exactly one finding. */
  match: string[];
  /** Inputs in which the rule must report nothing (look-alikes, placeholders). */
  noMatch: string[];
  /**
   * Pair examples (rules with `pair`): scanned with the rule and its companions, each must give
   * exactly one finding of this rule with `parts` parts (the anchor included).
   */
  paired?: { text: string; parts: number }[];
}

export interface RuleOrigin {
  file: string;
  /** 1-based line of the rule's entry in the pack, when known. */
  line?: number;
}

/** Where a secret is in its input: the same for a finding and for each part of a pair. */
export interface SecretSpan {
  /** 1-based line and column (Unicode code points) of the secret's start. */
  line: number;
  column: number;
  endLine: number;
  /** 1-based column just past the secret's last character. */
  endColumn: number;
  /** Byte offsets of the secret in its input: [offset, endOffset). */
  offset: number;
  endOffset: number;
}

/**
 * One part of a multi-part credential (an id, its secret, a session token): where it is and how it
 * looks redacted. Its raw value stays in the secret store (src/finding/secret-store.ts `revealPart`).
 */
export interface FindingPart extends SecretSpan {
  ruleId: string;
  role: string;
  redacted: string;
  /** Keyed digest of this part's value (as a finding's `secretDigest`). */
  secretDigest: string;
}

/** One reported credential. Never carries the raw secret as an enumerable field. */
export interface Finding extends SecretSpan {
  ruleId: string;
  provider: string;
  kind: string;
  title: string;
  severity: Severity;
  environment: Environment;
  /** Path relative to the scan root, with `/` separators; `-` for stdin. */
  path: string;
  commit?: string;
  author?: string;
  date?: string;
  /** Digest of the container image layer the secret was found in. */
  layer?: string;
  /** Recognisable but harmless form, e.g. `sk_live_••••••••3f9A`. */
  redacted: string;
  /**
   * HMAC-SHA256 (hex) of the secret under the repository's fingerprint key, which no report holds: it
   * says whether two findings are the same secret, and nothing about the secret to anyone without the key.
   */
  secretDigest: string;
  /** Stable across line moves and edits elsewhere: rule + path + the secret's keyed digest. */
  fingerprint: string;
  entropy?: number;
  message: string;
  /** The fix in one line, rendered from `remediationPlan` (src/finding/remediation.ts). */
  remediation: string;
  /** The fix as data: rotation window, revoke page, advice, and exposure once history knows it. */
  remediationPlan?: RemediationPlan;
  revokeUrl?: string;
  rotateDays?: number;
  tags: string[];
  /**
   * How the environment was decided: from the token's own marker or the rule, or inferred from
   * nearby text or the file name (the message then says what it saw).
   */
  environmentSource?: "token" | "context" | "path";
  /** Set when the secret was found by decoding the text at this position (e.g. "base64"). */
  encoding?: string;
  /** Set only when verification ran (`--verify`): whether the provider still accepts the credential, and why. */
  verification?: { status: "live" | "revoked" | "unknown" | "error"; reason: string };
  /**
   * A multi-part credential: every part, the anchor (whose position the finding has) first. The
   * finding's `secretDigest` is then the pair's digest (src/pairing/digest.ts), its secret the anchor's.
   */
  parts?: FindingPart[];
}

/** A scan's input location, given to the engine so findings can name it. */
export interface ScanTarget {
  path: string;
  commit?: string;
  author?: string;
  date?: string;
}

/** Something went wrong with one input; the scan goes on but is marked incomplete. */
export interface ScanWarning {
  path: string;
  reason: string;
}

/** Something a source could not do or chose not to: deliberate skips are notices, failures make the scan incomplete. */
export interface SourceNotice {
  path: string;
  reason: string;
  /** True when an input could not be scanned for a reason other than policy (permissions, vanished, missing objects). */
  incomplete: boolean;
}
