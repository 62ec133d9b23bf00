/** Helpers for the webhook senders' retry loops (Telegram updates, Paystack events). */

/** How a provider words a failed POST; `reset` unset leaves a reset connection to the error's message. */
export interface FailureWording {
  readonly timeout: string;
  readonly reset?: string;
}

/** The error of one failed delivery attempt, in the provider's words where it has some. */
export function describeFetchFailure(error: unknown, wording: FailureWording): string {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  if (cause?.code === "ECONNREFUSED") return "Connection refused";
  if (wording.reset !== undefined && (cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET")) {
    return wording.reset;
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return wording.timeout;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Waits before a retry; resolves early (never rejects) when `signal` aborts, so the loop can re-check. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
