import type { Chat, ReplyKeyboardMarkup, User } from "grammy/types";
import { badRequest } from "../errors.js";
import { newChatInstance } from "../ids.js";
import type { Params } from "../params.js";
import type { ChatMessage, TelegramUserProfile } from "../types.js";

/** A private chat between the bot and one simulated user (chat id = user id). */
export interface ChatState {
  readonly profile: TelegramUserProfile;
  readonly user: User;
  readonly chat: Chat.PrivateChat;
  /** Stable per chat, sent on callback queries. */
  readonly chatInstance: string;
  /** Messages of both directions in order. */
  readonly messages: ChatMessage[];
  nextMessageId: number;
  /** The user blocked the bot: sends answer 403 "Forbidden: bot was blocked by the user". */
  blocked: boolean;
  /** The reply keyboard the bot last showed (cleared by remove_keyboard or one_time_keyboard use). */
  replyKeyboard: ReplyKeyboardMarkup | undefined;
}

export type ChatChange = "message" | "edit" | "delete";

export function toUser(profile: TelegramUserProfile): User {
  return {
    id: profile.id,
    is_bot: false,
    first_name: profile.firstName,
    ...(profile.lastName === undefined ? {} : { last_name: profile.lastName }),
    ...(profile.username === undefined ? {} : { username: profile.username }),
    ...(profile.languageCode === undefined ? {} : { language_code: profile.languageCode }),
  };
}

function toPrivateChat(profile: TelegramUserProfile): Chat.PrivateChat {
  return {
    id: profile.id,
    type: "private",
    first_name: profile.firstName,
    ...(profile.lastName === undefined ? {} : { last_name: profile.lastName }),
    ...(profile.username === undefined ? {} : { username: profile.username }),
  };
}

export class ChatStore {
  private readonly chats = new Map<number, ChatState>();

  constructor(private readonly onChange: (message: ChatMessage, change: ChatChange) => void) {}

  /** The chat for this user, created on first use; later calls return the same chat. */
  open(profile: TelegramUserProfile): ChatState {
    const existing = this.chats.get(profile.id);
    if (existing !== undefined) return existing;
    const chat: ChatState = {
      profile,
      user: toUser(profile),
      chat: toPrivateChat(profile),
      chatInstance: newChatInstance(),
      messages: [],
      nextMessageId: 1,
      blocked: false,
      replyKeyboard: undefined,
    };
    this.chats.set(profile.id, chat);
    return chat;
  }

  get(chatId: number): ChatState | undefined {
    return this.chats.get(chatId);
  }

  /** The chat named by `chat_id`, or Telegram's 400s for a missing or unknown chat. */
  resolve(params: Params): ChatState {
    if (!params.has("chat_id")) throw badRequest("chat_id is empty");
    const chatId = params.int("chat_id", "chat not found");
    const chat = chatId === undefined ? undefined : this.chats.get(chatId);
    if (chat === undefined) throw badRequest("chat not found");
    return chat;
  }

  /** Reserves the next message id of the chat (shared by both directions, as in Telegram). */
  nextMessageId(chat: ChatState): number {
    return chat.nextMessageId++;
  }

  push(chat: ChatState, message: ChatMessage): ChatMessage {
    chat.messages.push(message);
    this.onChange(message, "message");
    return message;
  }

  find(chat: ChatState, messageId: number): ChatMessage | undefined {
    return chat.messages.find((message) => message.messageId === messageId);
  }

  changed(message: ChatMessage, change: Exclude<ChatChange, "message">): void {
    this.onChange(message, change);
  }
}
