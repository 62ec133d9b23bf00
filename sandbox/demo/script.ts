/**
 * The scripted purchases the demo plays on Telegram: one paid by transfer, proven by a pasted
 * M-Pesa SMS that the merchant confirms (and the same SMS pasted again for another order, flagged
 * and rejected), one paid by M-Pesa (the emulated phone approves the prompt), one paid to the
 * shop's Paybill from the phone's M-Pesa menu (matched by its account number), and
 * one paid by card on the emulated Paystack checkout page, one on the emulated Stripe Checkout page,
 * and one by M-Pesa on the emulated Flutterwave hosted page; last, one paid in cash on delivery.
 */

import type { DarajaEmulator } from "../daraja/index.js";
import { kenyaWhen, paybillSms } from "../mpesa-sms.js";
import type { PaystackEmulator } from "../paystack/index.js";
import { TEST_CARDS } from "../stripe/index.js";
import type { ChatMessage, TelegramUser } from "../telegram/index.js";

function tap(user: TelegramUser, message: ChatMessage, label: string): void {
  const found = message.buttons.find((button) => button.text.includes(label));
  if (!found?.callback_data) throw new Error(`The bot offered no "${label}" button: ${message.text}`);
  user.pressButton(message, found.callback_data);
}

/** Returns the order's reference and the SMS its shopper pasted. */
export async function playPurchase(
  shopper: TelegramUser,
  merchant: TelegramUser,
): Promise<{ ref: string; sms: string }> {
  shopper.sendText("/start");
  const catalog = await shopper.nextMessage(/Mama Mboga/);
  tap(shopper, catalog, "Sukuma");
  tap(shopper, await shopper.nextMessage(/How many/), "2");
  const added = await shopper.nextMessage(/Added/);
  tap(shopper, added, "Keep shopping");
  tap(shopper, await shopper.nextMessage(/Choose a product/), "eggs");
  tap(shopper, await shopper.nextMessage(/How many/), "1");
  tap(shopper, await shopper.nextMessage(/Added/), "View cart");
  tap(shopper, await shopper.nextMessage(/Total/i), "Checkout");
  tap(shopper, await shopper.nextMessage(/pay/i), "Bank transfer / manual");
  const placed = await shopper.nextMessage(/DK-/);
  const ref = /DK-[A-Z0-9]{5}/.exec(placed.text ?? "")?.[0];
  if (!ref) throw new Error(`No order reference in: ${placed.text}`);

  // The shopper paid by Paybill and pastes M-Pesa's confirmation SMS instead of a photo.
  const sms = confirmationFor(placed, ref);
  shopper.sendText(sms);
  await shopper.nextMessage(/merchant/);
  await merchant.nextMessage(/M-Pesa SMS pasted/);

  merchant.sendText("/pending");
  await merchant.nextMessage(/waiting/);
  merchant.sendText(`/confirm ${ref}`);
  await merchant.nextMessage(/confirmed/);
  await shopper.nextMessage(/confirmed/);

  shopper.sendText("/orders");
  await shopper.nextMessage(new RegExp(ref));
  return { ref, sms };
}

/** The SMS for paying the order's total to the shop's Paybill just now, with the order as account. */
function confirmationFor(placed: ChatMessage, ref: string): string {
  const total = /KES ([\d,]+\.\d{2})/.exec(placed.text ?? "")?.[1];
  if (!total) throw new Error(`No total in: ${placed.text}`);
  const shillings = Number(total.replace(/,/g, ""));
  return paybillSms({ code: "UL3XDEMO7Q", shillings, account: ref, when: kenyaWhen(new Date()) });
}

/**
 * A second transfer whose shopper pastes the SMS that already paid the first order: the
 * merchant's alert flags the reused code, and the merchant rejects it.
 */
export async function playReusedSms(
  shopper: TelegramUser,
  merchant: TelegramUser,
  paid: { ref: string; sms: string },
): Promise<void> {
  await quickCheckout(shopper, "Sukuma", "1", "Bank transfer / manual");
  const placed = await shopper.nextMessage(/DK-/);
  const ref = /DK-[A-Z0-9]{5}/.exec(placed.text ?? "")?.[0];
  if (!ref) throw new Error(`No order reference in: ${placed.text}`);
  shopper.sendText(paid.sms);
  await shopper.nextMessage(/merchant/);
  await merchant.nextMessage(/already sent for order/);
  merchant.sendText(`/reject ${ref} this M-Pesa code already paid order ${paid.ref}`);
  await merchant.nextMessage(/rejected/);
  await shopper.nextMessage(/not accepted/);
}

export async function playMpesaPurchase(shopper: TelegramUser, merchant: TelegramUser): Promise<string> {
  await quickCheckout(shopper, "avocado", "4", "M-Pesa");
  await shopper.nextMessage(/Which M-Pesa number/);
  await shopper.nextMessage(/share your number/);
  shopper.shareContact();
  const pushed = await shopper.nextMessage(/Check your phone/);
  const ref = /DK-[A-Z0-9]{5}/.exec(pushed.text ?? "")?.[0];
  if (!ref) throw new Error(`No order reference in: ${pushed.text}`);
  await shopper.nextMessage(/confirmed/, { timeoutMs: 15_000 });
  await merchant.nextMessage(new RegExp(`${ref}.*paid`));
  return ref;
}

/** A phone that cannot show M-Pesa prompts (a feature phone): the demo's Daraja answers its pushes with 1037. */
export const FEATURE_PHONE = "254733000111";

/**
 * Rail fallback, then a Paybill payment: the M-Pesa prompt cannot reach a feature phone, and the
 * failure message offers the shop's Paybill for the same order in one tap. The shopper reads the
 * Paybill and account number and pays from the phone's M-Pesa menu (the emulated phone); Daraja's
 * confirmation is matched to the order by its account.
 */
export async function playPaybillAfterFailedPrompt(
  shopper: TelegramUser,
  merchant: TelegramUser,
  daraja: DarajaEmulator,
): Promise<string> {
  await quickCheckout(shopper, "avocado", "2", "M-Pesa");
  await shopper.nextMessage(/Which M-Pesa number/);
  shopper.sendText(`0${FEATURE_PHONE.slice(3)}`);
  const failed = await shopper.nextMessage(/could not reach your phone/, { timeoutMs: 15_000 });
  const paybill = failed.buttons.find((candidate) => candidate.text.includes("Paybill instead"));
  if (!paybill?.callback_data) throw new Error(`No Paybill offered in: ${failed.text}`);
  shopper.pressButton(failed, paybill.callback_data);
  const placed = await shopper.nextMessage(/Pay Bill/);
  const found = /Pay Bill (\d+), account (DK-[A-Z0-9]{5}), KES ([\d,]+)\.00/.exec(placed.text ?? "");
  if (!found) throw new Error(`No Paybill instructions in: ${placed.text}`);
  const [, shortcode, ref, amount] = found as unknown as [string, string, string, string];
  await daraja.payBill({
    shortcode,
    account: ref,
    amount: Number(amount.replace(/,/g, "")),
    phone: "0712345678",
  });
  await shopper.nextMessage(/confirmed/);
  await merchant.nextMessage(new RegExp(`${ref}.*paid`));
  return ref;
}

export async function playCardPurchase(
  shopper: TelegramUser,
  merchant: TelegramUser,
  paystack: PaystackEmulator,
): Promise<string> {
  await quickCheckout(shopper, "Tomatoes", "1", "Card (Paystack)");
  await shopper.nextMessage(/e-mail/);
  shopper.sendText("amina@example.com");
  const { ref, url } = await paymentLink(shopper);
  // The shopper opens the link and pays with Paystack's test card.
  await paystack.pay(url.split("/").at(-1)!);
  await shopper.nextMessage(/confirmed/);
  await merchant.nextMessage(new RegExp(`${ref}.*paid`));
  return ref;
}

/** From /start, one product straight to checkout, paying by `method`. */
async function quickCheckout(shopper: TelegramUser, product: string, quantity: string, method: string) {
  shopper.sendText("/start");
  tap(shopper, await shopper.nextMessage(/Choose a product/), product);
  tap(shopper, await shopper.nextMessage(/How many/), quantity);
  tap(shopper, await shopper.nextMessage(/Added/), "Checkout");
  tap(shopper, await shopper.nextMessage(/How would you like to pay/), method);
}

/** The order reference and payment link of the bot's next message with a link button. */
async function paymentLink(shopper: TelegramUser): Promise<{ ref: string; url: string }> {
  return linkIn(
    await shopper.nextMessage((message) => message.buttons.some((button) => button.url !== undefined)),
  );
}

/** The order reference and payment link of a message with a link button. */
function linkIn(link: ChatMessage): { ref: string; url: string } {
  const ref = /DK-[A-Z0-9]{5}/.exec(link.text ?? "")?.[0];
  const url = link.buttons.find((button) => button.url)?.url;
  if (!ref || !url) throw new Error(`No order reference or payment link in: ${link.text}`);
  return { ref, url };
}

export async function playStripePurchase(shopper: TelegramUser, merchant: TelegramUser): Promise<string> {
  await quickCheckout(shopper, "Tomatoes", "1", "Card (Stripe)");
  const { ref, url } = await paymentLink(shopper);
  // The shopper opens the Checkout page and submits Stripe's 4242 test card, as a browser would.
  const page = await fetch(url, { method: "POST", body: new URLSearchParams({ card: TEST_CARDS.success }) });
  if (!(await page.text()).includes("Payment succeeded."))
    throw new Error(`Stripe's page refused the test card`);
  await shopper.nextMessage(/confirmed/);
  await merchant.nextMessage(new RegExp(`${ref}.*paid`));
  return ref;
}

export async function playFlutterwavePurchase(
  shopper: TelegramUser,
  merchant: TelegramUser,
): Promise<string> {
  await quickCheckout(shopper, "Tomatoes", "1", "Card (Flutterwave)");
  // Flutterwave needs an e-mail: asked unless the shopper gave one before (remembered from Paystack).
  const next = await shopper.nextMessage(
    (message) => /e-mail/.test(message.text ?? "") || message.buttons.some((button) => button.url),
  );
  if (/e-mail/.test(next.text ?? "")) shopper.sendText("amina@example.com");
  const { ref, url } = /e-mail/.test(next.text ?? "") ? await paymentLink(shopper) : linkIn(next);
  // The shopper opens the hosted page and pays with Flutterwave's test card, as a browser would.
  await fetch(url, { method: "POST", body: new URLSearchParams({ method: "card" }) });
  await shopper.nextMessage(/confirmed/);
  await merchant.nextMessage(new RegExp(`${ref}.*paid`));
  return ref;
}

/**
 * Cash on delivery: the order is placed unpaid; the merchant marks it paid with /paid once the
 * rider has the cash, and the shopper is told.
 */
export async function playCashOnDelivery(shopper: TelegramUser, merchant: TelegramUser): Promise<string> {
  await quickCheckout(shopper, "Sukuma", "2", "Cash on delivery");
  const placed = await shopper.nextMessage(/placed for delivery/);
  const ref = /DK-[A-Z0-9]{5}/.exec(placed.text ?? "")?.[0];
  if (!ref) throw new Error(`No order reference in: ${placed.text}`);
  await merchant.nextMessage(/cash on delivery order/);
  merchant.sendText(`/paid ${ref}`);
  await merchant.nextMessage(/marked paid/);
  await shopper.nextMessage(/confirmed/);
  return ref;
}
