import { BUILT_IN_PLUGINS } from "../payments/plugins.js";
import type { EnvSection } from "./env-section.js";

/** The environment sections of the built-in plugins and channels. */
export const ENV_SECTIONS: readonly EnvSection[] = [
  ...BUILT_IN_PLUGINS.flatMap((plugin) => (plugin.environment ? [plugin.environment] : [])),
];
