import type { ChannelName } from "./order.js";

/**
 * The roles every deployment has (DESIGN §2): `all` runs everything in one process, the others let
 * the service scale out. Each channel adds one more, named after it (`duka start telegram`).
 */
export const SHARED_ROLES = ["all", "web", "worker"] as const;

export type Role = (typeof SHARED_ROLES)[number] | ChannelName;
