import type { BotCommand } from "grammy/types";
import { badRequest } from "../errors.js";
import type { Params } from "../params.js";
import { toTelegramFile } from "../state/files.js";
import type { MethodCall } from "./method.js";

export function getMe({ ctx }: MethodCall): unknown {
  return ctx.botUser;
}

/** Records the bot's answer so tests can assert it (and stop the client's spinner, in real life). */
export function answerCallbackQuery({ ctx, params }: MethodCall): unknown {
  const text = params.string("text");
  if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
  const url = params.string("url");
  const cacheTime = params.int("cache_time");
  const { record, answer } = ctx.callbacks.answer(params.string("callback_query_id"), {
    showAlert: params.bool("show_alert") ?? false,
    ...(text === undefined ? {} : { text }),
    ...(url === undefined ? {} : { url }),
    ...(cacheTime === undefined ? {} : { cacheTime }),
  });
  ctx.transcript.record({
    direction: "bot",
    kind: "answer",
    chatId: record.chatId,
    ...(answer.text === undefined ? {} : { text: answer.text }),
    buttons: [],
  });
  ctx.internal.emit("answer", answer);
  return true;
}

/** The hosted Bot API serves files up to 20 MB; bigger ones fail here, before any download. */
export function getFile({ ctx, params }: MethodCall): unknown {
  const fileId = params.string("file_id")?.trim();
  const file = fileId === undefined ? undefined : ctx.files.get(fileId);
  if (file === undefined) throw badRequest("invalid file_id");
  if (file.fileSize > ctx.options.maxDownloadBytes) throw badRequest("file is too big");
  return toTelegramFile(file);
}

function commandsKey(params: Params): string {
  const scope = params.json("scope", "can't parse BotCommandScope JSON object") ?? { type: "default" };
  return JSON.stringify([scope, params.string("language_code") ?? ""]);
}

export function setMyCommands({ ctx, params }: MethodCall): unknown {
  const commands = params.json("commands", "can't parse commands JSON object");
  if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
  for (const command of commands as Partial<BotCommand>[]) {
    if (typeof command.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
      throw badRequest("BOT_COMMAND_INVALID");
    }
    if (
      typeof command.description !== "string" ||
      command.description.length < 1 ||
      command.description.length > 256
    ) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  ctx.commands.set(commandsKey(params), commands as BotCommand[]);
  return true;
}

export function getMyCommands({ ctx, params }: MethodCall): unknown {
  return ctx.commands.get(commandsKey(params)) ?? [];
}

export function deleteMyCommands({ ctx, params }: MethodCall): unknown {
  ctx.commands.delete(commandsKey(params));
  return true;
}

/** Methods a bot may call at start-up that change nothing the emulator models. */
export function acceptAndIgnore(): unknown {
  return true;
}
