import { TEST_CARD, TEST_MPESA_NUMBER } from "./options.js";
import type { HostedPayment } from "./state.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The hosted page: the amount, the test card and the test M-Pesa number, and the last try's outcome. */
export function payPage(payment: HostedPayment, note = ""): string {
  const amount = escapeHtml(`${payment.currency} ${payment.amount}`);
  const button = (method: string, field: string) =>
    `<form method="post"><input type="hidden" name="method" value="${method}">${field}<button type="submit">Pay ${amount}</button></form>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Flutterwave Checkout (emulator)</title></head>
<body><h1>Pay ${amount}</h1>${note === "" ? "" : `<p role="status">${escapeHtml(note)}</p>`}
${button("card", `<label>Card number <input name="card" value="${TEST_CARD}"></label>`)}
${button("mpesa", `<label>M-Pesa number <input name="phone" value="${TEST_MPESA_NUMBER}"></label>`)}
</body></html>`;
}
