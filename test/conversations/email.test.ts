/** E-mail addresses for card receipts: the sound check, the stored form, and masking. */
import { describe, expect, it } from "vitest";
import { EMAIL_MAX_LENGTH, maskEmail, maskEmails, normalizeEmail } from "../../src/conversations/email.js";
import { isStoredPayerValue } from "../../src/conversations/payer.js";

describe("normalizeEmail", () => {
  it.each([
    ["amina@example.com", "amina@example.com"],
    ["  amina@example.com\n", "amina@example.com"],
    ["Amina.W@Example.COM", "Amina.W@example.com"],
    ["a+duka@mail.co.ke", "a+duka@mail.co.ke"],
    ["first.last@sub.domain.travel", "first.last@sub.domain.travel"],
    ["o'neil@example.ie", "o'neil@example.ie"],
    ["x@y.co", "x@y.co"],
    ["jina@mfano-duka.co.ke", "jina@mfano-duka.co.ke"],
    ["wanjiru@bücher.de", "wanjiru@bücher.de"],
    [`${"a".repeat(64)}@${"b".repeat(185)}.com`, `${"a".repeat(64)}@${"b".repeat(185)}.com`],
  ])("%j is accepted as %j", (typed, stored) => {
    expect(normalizeEmail(typed)).toBe(stored);
    expect(isStoredPayerValue("email", stored)).toBe(true);
  });

  it.each([
    ["no @", "amina.example.com"],
    ["nothing after @", "amina@"],
    ["nothing before @", "@example.com"],
    ["no dot in the domain", "amina@example"],
    ["two @", "amina@@example.com"],
    ["an @ in the local part", "a@b@example.com"],
    ["a space in the local part", "amina w@example.com"],
    ["a space before @", "amina @example.com"],
    ["a space in the domain", "amina@exa mple.com"],
    ["a tab inside", "amina\t@example.com"],
    ["an empty domain label", "amina@example..com"],
    ["a domain starting with a dot", "amina@.com"],
    ["a domain ending with a dot", "amina@example.com."],
    ["an underscore in the domain", "amina@ex_ample.com"],
    ["a bracketed domain", "amina@[127.0.0.1]"],
    ["too long", `${"a".repeat(64)}@${"b".repeat(186)}.com`],
    ["empty", ""],
    ["only spaces", "   "],
    ["a phone number", "0711 223 344"],
    ["a word", "hello"],
    ["mailto: form", "mailto:amina@example.com"],
    ["a comma in the local part", "amina,w@example.com"],
    ["a quoted local part", '"amina"@example.com'],
    ["a display name form", "Amina <amina@example.com>"],
  ])("%s (%j) is refused", (_what, typed) => {
    expect(normalizeEmail(typed)).toBeNull();
  });

  it.each([[undefined], [null], [42], [{}], [["amina@example.com"]]])("non-string %j is refused", (value) => {
    expect(normalizeEmail(value)).toBeNull();
  });

  it("the limit is 254 characters", () => {
    expect(EMAIL_MAX_LENGTH).toBe(254);
  });

  it.each([
    ["an upper-case domain", "amina@Example.com"],
    ["surrounding spaces", " amina@example.com"],
    ["not an address", "amina"],
    ["a number", 42],
  ])("a stored value with %s is not as normalizeEmail writes it", (_what, value) => {
    expect(isStoredPayerValue("email", value)).toBe(false);
  });
});

describe("maskEmail", () => {
  it.each([
    ["amina@gmail.com", "a•••@gmail.com"],
    ["Wanjiku.K@gmail.com", "W•••@gmail.com"],
    ["x@y.co", "x•••@y.co"],
    ["*bold*@example.com", "•••@example.com"],
    ["_x@example.com", "•••@example.com"],
    ["amina@Example.COM", "a•••@example.com"],
  ])("%s is shown as %s", (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });
});

describe("maskEmails", () => {
  it.each([
    ["Card declined for amina@gmail.com", "Card declined for a•••@gmail.com"],
    ["No e-mail (amina@gmail.com).", "No e-mail (a•••@gmail.com)."],
    ["Sent to Wanjiku.K@Gmail.COM!", "Sent to W•••@gmail.com!"],
    ["a@x.co and b@y.co", "a•••@x.co and b•••@y.co"],
    ["mailto:amina@gmail.com", "mailto:a•••@gmail.com"],
    ["Already masked: a•••@gmail.com", "Already masked: a•••@gmail.com"],
    ["Meet @ 5pm", "Meet @ 5pm"],
    ["user@localhost is not an address here", "user@localhost is not an address here"],
    ["No address at all.", "No address at all."],
  ])("%j becomes %j", (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });

  it("is idempotent", () => {
    const once = maskEmails("Pay from amina@gmail.com or wanjiku@duka.co.ke.");
    expect(maskEmails(once)).toBe(once);
  });
});
