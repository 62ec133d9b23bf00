/** The M-Pesa Paybill/Till payment plugin (Safaricom Daraja C2B). */
export { c2bPayloadSchema, parseC2bPayload, toReceivedMoney } from "./callbacks.js";
export { type C2bConfig, c2bConfigSchema, payNumberOf } from "./config.js";
export { createMpesaC2bPlugin, mpesaC2bPlugin, payInstructions } from "./plugin.js";
export { registerUrlPath } from "./register.js";
export { callbackUrls } from "./urls.js";
export { ACCEPT, INVALID_ACCOUNT, INVALID_AMOUNT, validateC2b } from "./validation.js";
