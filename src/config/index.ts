export { type ConfigSummary, describeConfig } from "./describe-config.js";
export { ENV_VARIABLES, SECRET_VARIABLES } from "./env-schema.js";
export { type EnvSection, type ParsedEnv, sectionSettings } from "./env-section.js";
export { loadConfig } from "./load-config.js";
export type * from "./types.js";
