/**
 * The dialogue machine's public face: `step` and the stored state's lifecycle, the contract
 * types, and the choice-data vocabulary (for adapters that must recognise a token, such as a
 * Telegram answerCallbackQuery toast).
 */

export { initialState, migrateState, step } from "./machine.js";
export { isConversationState } from "./state.js";
export {
  CHOICE_DATA_MAX_BYTES,
  type ChoiceIntent,
  MAX_QUANTITY,
  parseChoiceData,
  toChoiceData,
} from "./tokens.js";
export type * from "./types.js";
