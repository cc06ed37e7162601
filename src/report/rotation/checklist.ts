// The incident-response steps for a leaked key, in the order they close the exposure. Rewriting
// history is deliberately not a step: clones and forks keep the old objects, so only revoking the
// key ends the exposure.
import type { RotationItem } from "./model.js";

export interface ChecklistStep {
  step: string;
  detail: string;
}

export function responseChecklist(item: Pick<RotationItem, "provider" | "revokeUrl" | "ruleId" | "path">): ChecklistStep[] {
  return [
    { step: "Revoke", detail: item.revokeUrl ? `revoke or roll the key at ${item.revokeUrl} (${item.provider}); the old value must stop working` : `revoke or roll the key with ${item.provider}; the old value must stop working` },
    { step: "Replace", detail: "store the new value in the secret manager (vault, cloud secret store, CI secret), never in the repository" },
    { step: "Deploy", detail: "roll out every service that uses it, so that none still depends on the old value" },
    { step: "Verify", detail: `confirm the old key is rejected, check the provider's logs for use since first exposure, and that 'keyfence scan' no longer reports ${item.path}` },
    { step: "Log", detail: "record the incident: ticket, who rotated it, when, and what the provider logs showed" },
  ];
}
