import { TEST_CARD_CVV, TEST_CARDS } from "../cards.js";
import { formatAmount } from "../operations/amount.js";
import type { TransactionState } from "../state/records.js";

/** Plain HTML pages of the hosted checkout: no scripts, no external assets. */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0;padding:2rem}
main{max-width:24rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.1rem;margin:0 0 .25rem}.amount{font-size:1.6rem;font-weight:700;margin:.5rem 0}
.muted{color:#667;font-size:.85rem}label{display:block;margin-top:.75rem;font-size:.85rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #ccd;border-radius:4px}
button{margin-top:1rem;width:100%;padding:.65rem;font-size:1rem;background:#0ba4db;color:#fff;border:0;border-radius:4px}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px;margin-top:.75rem}
.ok{background:#e6f6ec;color:#1b5e20;padding:.6rem;border-radius:4px;margin-top:.75rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

function header(transaction: TransactionState): string {
  return `<h1>${escapeHtml(transaction.account.businessName)}</h1>
<p class="muted">${escapeHtml(transaction.customer.email)}</p>
<p class="amount">Pay ${escapeHtml(formatAmount(transaction.amount, transaction.currency))}</p>
<p class="muted">Reference: <span id="reference">${escapeHtml(transaction.reference)}</span></p>`;
}

export interface CheckoutFormInput {
  readonly error?: string;
  readonly cardNumber?: string;
  readonly expiry?: string;
}

export function checkoutPage(transaction: TransactionState, input: CheckoutFormInput = {}): string {
  const error =
    input.error === undefined ? "" : `<p class="error" role="alert">${escapeHtml(input.error)}</p>`;
  const testMode =
    transaction.account.domain === "test"
      ? `<p class="muted">Test mode. Card ${TEST_CARDS.success}, any future expiry, CVV ${TEST_CARD_CVV}.</p>`
      : "";
  return page(
    `Pay ${transaction.account.businessName}`,
    `${header(transaction)}
${error}
<form method="post" action="/checkout/${encodeURIComponent(transaction.accessCode)}">
<label for="card_number">Card number</label>
<input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" required value="${escapeHtml(input.cardNumber ?? "")}">
<label for="expiry">Expiry (MM/YY)</label>
<input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" required value="${escapeHtml(input.expiry ?? "")}">
<label for="cvv">CVV</label>
<input id="cvv" name="cvv" inputmode="numeric" autocomplete="cc-csc" required>
<button type="submit">Pay ${escapeHtml(formatAmount(transaction.amount, transaction.currency))}</button>
</form>
${testMode}`,
  );
}

export function successPage(transaction: TransactionState): string {
  return page(
    "Payment successful",
    `${header(transaction)}
<p class="ok" role="status">Payment successful. You can close this page.</p>`,
  );
}

export function alreadyPaidPage(transaction: TransactionState): string {
  return page(
    "Already paid",
    `${header(transaction)}
<p class="ok" role="status">This transaction has already been paid.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p class="error" role="alert">${escapeHtml(message)}</p>`,
  );
}
