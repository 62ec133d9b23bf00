import type { CallbackQuery } from "grammy/types";
import { badRequest } from "../errors.js";
import type { CallbackAnswer } from "../types.js";

export interface CallbackQueryRecord {
  readonly query: CallbackQuery;
  readonly updateId: number;
  readonly chatId: number;
  answer: CallbackAnswer | undefined;
}

const INVALID_QUERY = "query is too old and response timeout expired or query ID is invalid";

/** Callback queries sent to the bot, findable by query id or by the update_id that carried them. */
export class CallbackQueryStore {
  private readonly byId = new Map<string, CallbackQueryRecord>();
  private readonly byUpdateId = new Map<number, CallbackQueryRecord>();

  add(query: CallbackQuery, updateId: number, chatId: number): CallbackQueryRecord {
    const record: CallbackQueryRecord = { query, updateId, chatId, answer: undefined };
    this.byId.set(query.id, record);
    this.byUpdateId.set(updateId, record);
    return record;
  }

  get(idOrUpdateId: string | number): CallbackQueryRecord | undefined {
    return typeof idOrUpdateId === "number" ? this.byUpdateId.get(idOrUpdateId) : this.byId.get(idOrUpdateId);
  }

  /** Records the bot's answer; unknown or already answered ids get Telegram's 400. */
  answer(
    id: string | undefined,
    fields: Omit<CallbackAnswer, "callbackQueryId" | "updateId" | "answeredAt">,
  ) {
    const record = id === undefined ? undefined : this.byId.get(id);
    if (record === undefined || record.answer !== undefined) throw badRequest(INVALID_QUERY);
    const answer: CallbackAnswer = {
      callbackQueryId: record.query.id,
      updateId: record.updateId,
      ...fields,
      answeredAt: new Date(),
    };
    record.answer = answer;
    return { record, answer };
  }
}
