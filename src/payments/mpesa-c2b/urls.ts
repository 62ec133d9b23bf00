/**
 * The instance's Daraja C2B URLs. The registry builds the confirmation URL from the plugin's
 * webhook declaration (`…/<token>/confirmation`); the others differ in their last part only, so
 * all share the instance's unguessable token.
 */
export const CALLBACK_KINDS = ["confirmation", "validation", "result", "timeout", "pull"] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

export function callbackUrls(webhookUrl: string): Record<CallbackKind, string> {
  const base = webhookUrl.replace(/\/confirmation$/, "");
  return {
    confirmation: `${base}/confirmation`,
    validation: `${base}/validation`,
    // Transaction Status: its result, and Daraja's notice that the query timed out in its queue.
    result: `${base}/result`,
    timeout: `${base}/timeout`,
    // Pull Transactions registration wants a callback URL; we query, so anything sent there is only acknowledged.
    pull: `${base}/pull`,
  };
}

export function callbackKindOf(value: string | undefined): CallbackKind | undefined {
  return (CALLBACK_KINDS as readonly (string | undefined)[]).includes(value)
    ? (value as CallbackKind)
    : undefined;
}
