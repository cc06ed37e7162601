// The incident-response steps for a leaked key, in the order they close the exposure. Rewriting
// history is deliberately not a step: clones and forks keep the old objects, so only revoking the
// key ends the exposure.
import type { RotationItem } from "./model.js";

export interface ChecklistStep {
  step: string;
  detail: string;
}

/**
 * Providers that name a format, not an issuer ("Generic", "Private key", "JWT", …): "revoke the key
 * with Generic" means nothing, so the step says what to do with that kind of credential instead.
 */
const NOT_AN_ISSUER = new Set(["generic", "private key", "jwt", "connection string", "kubernetes", "split string"]);

const KIND_ACTION: Record<string, string> = {
  "private-key": "issue a new key pair, then revoke the old certificate or remove the old public key wherever it is trusted (servers, deploy keys, partners)",
  "encrypted-private-key": "issue a new key pair (the passphrase may be guessable), then revoke the old certificate or remove the old public key wherever it is trusted",
  keystore: "issue new keys and certificates for the keystore, revoke the old certificates, and change the keystore password",
  "bearer-token": "revoke the token at the service that issued it (or rotate the signing key behind it)",
  "database-password": "change the database account's password (or rotate its credential in the database) and update every connection that uses it",
  "basic-auth": "change the password of the account named in the URL at the service it logs in to",
  "registry-credentials": "revoke the registry password or token and issue a new one",
  "secret-manifest-value": "rotate the value the Kubernetes Secret holds at the system that issued it, then re-create the Secret",
  "split-credential": "rotate the credential the joined pieces spell out, at the service that issued it",
};

export function revokeDetail(item: Pick<RotationItem, "provider" | "revokeUrl" | "kind">): string {
  if (item.revokeUrl) return `revoke or roll the key at ${item.revokeUrl} (${item.provider}); the old value must stop working`;
  if (!NOT_AN_ISSUER.has(item.provider.toLowerCase())) return `revoke or roll the key with ${item.provider}; the old value must stop working`;
  const action = KIND_ACTION[item.kind] ?? "rotate this secret at the service that issued it (the setting's name at the places below says which); the old value must stop working";
  return action;
}

export function responseChecklist(item: Pick<RotationItem, "provider" | "revokeUrl" | "ruleId" | "path" | "kind">): ChecklistStep[] {
  return [
    { step: "Revoke", detail: revokeDetail(item) },
    { step: "Replace", detail: "store the new value in the secret manager (vault, cloud secret store, CI secret), never in the repository" },
    { step: "Deploy", detail: "roll out every service that uses it, so that none still depends on the old value" },
    { step: "Verify", detail: `confirm the old value is rejected, check the issuer's logs for use since first exposure, and that 'keyfence scan' no longer reports ${item.path}` },
    { step: "Log", detail: "record the incident: ticket, who rotated it, when, and what the provider logs showed" },
  ];
}
