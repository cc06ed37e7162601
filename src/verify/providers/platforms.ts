// Cloud, code hosting, messaging and developer platforms.
import { byStatus, commonVerdict, jsonField, NOT_FOUND_MEANS } from "../judge.js";
import { signV4 } from "../sigv4.js";
import type { Provider, Verification, VerifyInput } from "../types.js";
import { basic, bearer, form, lacking, notVerifiable, part } from "./shared.js";

function awsParts(i: VerifyInput): { keyId: string; secret: string; sessionToken?: string } {
  if (i.ruleId === "aws-access-key-id") return { keyId: i.secret, secret: part(i, "aws-secret"), ...(i.parts.has("aws-session-token") && { sessionToken: part(i, "aws-session-token") }) };
  if (i.ruleId === "aws-session-token") return { keyId: part(i, "aws-key-id"), secret: part(i, "aws-secret"), sessionToken: i.secret };
  return { keyId: part(i, "aws-key-id"), secret: i.secret, ...(i.parts.has("aws-session-token") && { sessionToken: part(i, "aws-session-token") }) };
}

/** AWS: STS GetCallerIdentity, which needs no permission and cannot be denied by a policy. */
export const aws: Provider = {
  id: "aws",
  rules: ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"],
  hosts: ["sts.amazonaws.com"],
  missing: (i) => lacking(i, i.ruleId === "aws-access-key-id" ? ["aws-secret"] : i.ruleId === "aws-session-token" ? ["aws-key-id", "aws-secret"] : ["aws-key-id"]),
  request: (i) => {
    const creds = awsParts(i);
    const body = form({ Action: "GetCallerIdentity", Version: "2011-06-15" });
    const headers = signV4({ method: "POST", host: "sts.amazonaws.com", path: "/", body, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, region: "us-east-1", service: "sts", ...creds });
    return { method: "POST", host: "sts.amazonaws.com", path: "/", endpoint: "POST / Action=GetCallerIdentity", headers, body };
  },
  judge: (r): Verification => {
    if (r.status === 200) return { status: "live", reason: "STS accepted the key pair (HTTP 200; identity discarded)" };
    const code = /<Code>([A-Za-z]+)<\/Code>/.exec(r.body)?.[1];
    if (r.status === 403 && code && ["InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AccessDenied"].includes(code)) return { status: "revoked", reason: `STS rejected the key pair: ${code} (HTTP 403)` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}${code ? ` ${code}` : ""}` };
  },
};

/** GitHub: a repository whose owner name GitHub forbids (leading hyphen), so it can never exist. */
export const github: Provider = {
  id: "github",
  rules: ["github-personal-access-token", "github-oauth-token", "github-app-user-token", "github-app-installation-token", "github-fine-grained-token"],
  hosts: ["api.github.com"],
  request: (i) => ({ method: "GET", host: "api.github.com", path: "/repos/-keyfence-verify-probe-/none", endpoint: "GET /repos/-keyfence-verify-probe-/none", headers: { ...bearer(i.secret), accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" } }),
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

/** GitLab.com only: a token of a self-managed instance reads as rejected here. */
export const gitlab: Provider = {
  id: "gitlab",
  rules: ["gitlab-personal-access-token"],
  hosts: ["gitlab.com"],
  request: (i) => ({ method: "GET", host: "gitlab.com", path: "/api/v4/projects/0", endpoint: "GET /api/v4/projects/0", headers: { "private-token": i.secret } }),
  judge: (r) => {
    const v = byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS })(r);
    return v.status === "revoked" ? { ...v, reason: `${v.reason} on gitlab.com (a self-managed instance was not asked)` } : v;
  },
};

const SLACK_DEAD = new Set(["invalid_auth", "account_inactive", "token_revoked", "token_expired", "not_authed"]);
/** Slack tokens: auth.test, the check Slack documents for "is this token valid". */
export const slack: Provider = {
  id: "slack",
  rules: ["slack-bot-token", "slack-user-token", "slack-legacy-bot-token", "slack-workspace-access-token", "slack-legacy-token"],
  hosts: ["slack.com"],
  request: (i) => ({ method: "POST", host: "slack.com", path: "/api/auth.test", endpoint: "POST /api/auth.test", headers: { ...bearer(i.secret), "content-type": "application/x-www-form-urlencoded" }, body: "" }),
  judge: (r): Verification => {
    const ok = jsonField(r.body, "ok");
    const error = jsonField(r.body, "error");
    if (r.status === 200 && ok === true) return { status: "live", reason: "auth.test accepted the token (HTTP 200; identity discarded)" };
    if (r.status === 200 && typeof error === "string" && SLACK_DEAD.has(error)) return { status: "revoked", reason: `Slack rejected the token: ${error}` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}${typeof error === "string" && /^[a-z_]{1,40}$/.test(error) ? ` ${error}` : ""}` };
  },
};

const HOOK_DEAD = new Set(["invalid_token", "no_service", "no_team", "channel_is_archived", "team_disabled", "action_prohibited", "no_active_hooks"]);
/** Slack incoming webhooks: an empty body, which a live hook rejects as `invalid_payload` without
 * posting anything, and a dead one with `no_service`/`invalid_token`. The path is the credential. */
export const slackWebhook: Provider = {
  id: "slack-webhook",
  rules: ["slack-webhook-url"],
  hosts: ["hooks.slack.com"],
  request: (i) =>
    !i.secret.startsWith("services/")
      ? notVerifiable("only classic incoming webhooks (services/…) can be checked without running a workflow")
      : { method: "POST", host: "hooks.slack.com", path: `/${i.secret}`, endpoint: "POST /services/… (empty body)", headers: { "content-type": "application/json" }, body: "" },
  judge: (r): Verification => {
    const text = r.body.trim().slice(0, 64);
    if (r.status === 400 && (text === "invalid_payload" || text === "no_text")) return { status: "live", reason: `the hook exists and rejected the empty payload (${text}, HTTP 400; nothing posted)` };
    if ([403, 404, 410].includes(r.status) && HOOK_DEAD.has(text)) return { status: "revoked", reason: `Slack says ${text} (HTTP ${r.status})` };
    return commonVerdict(r) ?? { status: "unknown", reason: `unexpected answer HTTP ${r.status}` };
  },
};

/** Twilio: a call that cannot exist under the account; the account SID is an identifier, not a
 * secret, so it may sit in the path. */
export const twilio: Provider = {
  id: "twilio",
  rules: ["twilio-auth-token", "twilio-api-key-secret"],
  hosts: ["api.twilio.com"],
  missing: (i) => lacking(i, i.ruleId === "twilio-auth-token" ? ["account-sid"] : ["account-sid", "api-key-sid"]),
  request: (i) => {
    const sid = part(i, "account-sid");
    const user = i.ruleId === "twilio-auth-token" ? sid : part(i, "api-key-sid");
    if (!/^AC[0-9a-f]{32}$/.test(sid)) return notVerifiable("the account SID part is not an AC… SID");
    const probe = `CA${"0".repeat(32)}`;
    return { method: "GET", host: "api.twilio.com", path: `/2010-04-01/Accounts/${sid}/Calls/${probe}.json`, endpoint: "GET /2010-04-01/Accounts/{AccountSid}/Calls/CA000….json", headers: basic(user, i.secret) };
  },
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};

/** SendGrid: the key's own scope list, which every key may read (discarded unread). */
export const sendgrid: Provider = {
  id: "sendgrid",
  rules: ["sendgrid-api-key"],
  hosts: ["api.sendgrid.com"],
  request: (i) => ({ method: "GET", host: "api.sendgrid.com", path: "/v3/scopes", endpoint: "GET /v3/scopes", headers: bearer(i.secret) }),
  judge: byStatus({ live: [200], revoked: [401, 403], liveMeans: "the key authenticated (scope list discarded)" }),
};

/** npm: whoami, the registry's only token check; the user name it returns is discarded unread. */
export const npm: Provider = {
  id: "npm",
  rules: ["npm-access-token", "npm-legacy-auth-token"],
  hosts: ["registry.npmjs.org"],
  request: (i) => ({ method: "GET", host: "registry.npmjs.org", path: "/-/whoami", endpoint: "GET /-/whoami", headers: bearer(i.secret) }),
  judge: byStatus({ live: [200], revoked: [401, 403], liveMeans: "the registry accepted the token (user name discarded)" }),
};

/** OpenAI: a model that cannot exist. Admin keys cannot read models and are not checked. */
export const openai: Provider = {
  id: "openai",
  rules: ["openai-project-key", "openai-service-account-key", "openai-user-key-legacy"],
  hosts: ["api.openai.com"],
  request: (i) => ({ method: "GET", host: "api.openai.com", path: "/v1/models/keyfence-verify-probe", endpoint: "GET /v1/models/keyfence-verify-probe", headers: bearer(i.secret) }),
  judge: byStatus({ live: [404], revoked: [401], liveMeans: NOT_FOUND_MEANS }),
};
