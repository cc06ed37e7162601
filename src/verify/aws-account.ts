// An AWS access key id carries its account number (bits 7–46 of the base32 body after the prefix),
// so a key planted as a honeytoken can be recognised without ever being sent: using one alerts its
// owner, which is the point of a canary and exactly what a scanner must not do.

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The 12-digit account of an AKIA/ASIA/ABIA/ACCA key id, or undefined for any other value. */
export function awsAccountOf(keyId: string): string | undefined {
  const m = /^(?:AKIA|ASIA|ABIA|ACCA)([A-Z2-7]{16})$/.exec(keyId);
  if (!m) return undefined;
  let bits = 0n;
  for (const ch of m[1]!.slice(0, 10)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  const account = ((bits >> 2n) & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, "0");
}

/**
 * Accounts that issue honeytoken keys. Grade B: Thinkst Canarytokens (canarytokens.org), listed
 * alike by trufflehog's AWS detector and praetorian's aurelian. Grade C: further accounts a single
 * scanner (Kingfisher) skips, and the "off-brand" canary accounts trufflehog lists.
 */
export const CANARY_ACCOUNTS: ReadonlyMap<string, string> = new Map([
  ...["052310077262", "171436882533", "534261010715", "595918472158", "717712589309", "819147034852", "992382622183", "730335385048", "266735846894"].map((a) => [a, "Thinkst Canarytokens"] as const),
  ...["528757803018", "538784191382", "729780141977", "893192397702"].map((a) => [a, "a canary account (Kingfisher's list)"] as const),
  ...["044858866125", "251535659677", "344043088457", "351906852752", "390477818340", "426127672474", "427150556519", "439872796651", "445142720921", "465867158099", "637958123769", "693412236332", "732624840810", "735421457923", "959235150393", "982842642351"].map(
    (a) => [a, "an off-brand canary service (trufflehog's list)"] as const,
  ),
]);
