/** The channel conformance suite on Telegram: real grammY against the Bot API emulator. */
import { startTelegramShop } from "./drivers.js";
import { runConformance } from "./scenarios.js";

runConformance("telegram", startTelegramShop);
