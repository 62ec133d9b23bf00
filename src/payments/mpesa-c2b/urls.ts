/**
 * The instance's Daraja C2B URLs. The registry builds the confirmation URL from the plugin's
 * webhook declaration (`…/<token>/confirmation`); the validation URL differs in its last part only,
 * so both share the instance's unguessable token.
 */
export const CALLBACK_KINDS = ["confirmation", "validation"] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

export function callbackUrls(webhookUrl: string): Record<CallbackKind, string> {
  const base = webhookUrl.replace(/\/confirmation$/, "");
  return { confirmation: `${base}/confirmation`, validation: `${base}/validation` };
}

export function callbackKindOf(value: string | undefined): CallbackKind | undefined {
  return (CALLBACK_KINDS as readonly (string | undefined)[]).includes(value)
    ? (value as CallbackKind)
    : undefined;
}
