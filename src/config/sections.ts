import type { EnvSection } from "./env-section.js";

/** The environment sections of the built-in plugins and channels. */
export const ENV_SECTIONS: readonly EnvSection[] = [];
