import type { SessionRecord } from "./state.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The amount for people, in ICU's digits for the currency (a courtesy: the API's integers are the truth). */
const shown = (session: SessionRecord) => {
  const format = new Intl.NumberFormat("en", { style: "currency", currency: session.currency });
  return format.format(session.amount_total / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
};

/** The hosted checkout page: the amount, a card field, and the outcome of the last try. */
export function payPage(session: SessionRecord, note = ""): string {
  const body =
    session.status === "open"
      ? `<form method="post"><label>Card number <input name="card" value="4242 4242 4242 4242"></label>
<button type="submit">Pay ${escapeHtml(shown(session))}</button></form>`
      : `<p>This checkout is ${escapeHtml(session.status)}.</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Stripe Checkout (emulator)</title></head>
<body><h1>Pay ${escapeHtml(shown(session))}</h1><p>${escapeHtml(session.metadata.order_ref ?? "")}</p>
${note === "" ? "" : `<p role="status">${escapeHtml(note)}</p>`}${body}</body></html>`;
}
