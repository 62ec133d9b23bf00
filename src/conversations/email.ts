/**
 * E-mail addresses for card receipts (Paystack needs one per payment).
 *
 * What must stay true:
 *   - Only an address `normalizeEmail` accepts is ever sent to a provider or remembered
 *     (`state.payer.email`), and it is stored exactly as `normalizeEmail` writes it.
 *   - Replies show an address only masked (`a•••@gmail.com`): enough to recognize, not enough to
 *     copy. That holds for text from elsewhere too (a provider's reason), see `maskEmails`.
 */

/** The longest address SMTP allows (RFC 5321's path limit, less the angle brackets). */
export const EMAIL_MAX_LENGTH = 254;

const DOMAIN_LABEL = /^[\p{L}\p{N}-]+$/u;
const SPACE_OR_CONTROL = /[\s\p{Cc}]/u;
/** RFC 5322's specials, which need quoting in a local part: nobody types a quoted one. */
const LOCAL_SPECIALS = /[()<>[\]:;,\\"]/;

/**
 * The address as it is stored and sent (trimmed, domain lower-cased), or null. A sound check,
 * not RFC 5322: one `@` with something before it (none of `()<>[]:;,\"`), a domain of at least
 * two dot-separated labels of letters, digits and hyphens, no spaces or control characters, at
 * most 254 characters.
 */
export function normalizeEmail(input: unknown): string | null {
  if (typeof input !== "string") return null;
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > EMAIL_MAX_LENGTH || SPACE_OR_CONTROL.test(trimmed))
    return null;
  const at = trimmed.indexOf("@");
  if (at <= 0 || at !== trimmed.lastIndexOf("@")) return null;
  const local = trimmed.slice(0, at);
  if (LOCAL_SPECIALS.test(local)) return null;
  const domain = trimmed.slice(at + 1).toLowerCase();
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  const email = `${local}@${domain}`;
  return email.length <= EMAIL_MAX_LENGTH ? email : null;
}

/**
 * `amina.w@Gmail.com` → `a•••@gmail.com`. Only a letter or digit is kept from the local part, so
 * the mask never carries markup (`*`) or gives away a one-character local part's punctuation.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = at >= 0 ? email.slice(0, at) : email;
  const domain = at >= 0 ? email.slice(at + 1).toLowerCase() : "";
  const first = /^[\p{L}\p{N}]/u.exec(local)?.[0] ?? "";
  return `${first}•••@${domain}`;
}

/** Something shaped like an address inside other text: no spaces, brackets, quotes or markup. */
const EMAIL_IN_TEXT = /[^\s@<>()[\]{}"'`,;:*]+@[^\s@<>()[\]{}"'`,;:*]+/gu;

/**
 * Masks every e-mail address in text from elsewhere (a provider's reason or instructions may
 * quote the shopper's). A sentence's closing punctuation after the address is kept.
 */
export function maskEmails(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (found) => {
    const at = found.indexOf("@");
    const domainAndEnd = found.slice(at + 1);
    const end = /[.!?]+$/.exec(domainAndEnd)?.[0] ?? "";
    const domain = domainAndEnd.slice(0, domainAndEnd.length - end.length);
    if (!domain.includes(".")) return found;
    return `${maskEmail(`${found.slice(0, at)}@${domain}`)}${end}`;
  });
}
