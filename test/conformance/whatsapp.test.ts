/**
 * The channel conformance suite on WhatsApp: the real adapter over the whatsapp-web.js stand-in,
 * the merchant writing from WhatsApp too.
 */
import { startWhatsAppShop } from "./drivers.js";
import { runConformance } from "./scenarios.js";

runConformance("whatsapp", startWhatsAppShop);
