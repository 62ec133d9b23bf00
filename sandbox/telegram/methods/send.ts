import type { EmulatorContext } from "../context.js";
import { BotApiError, badRequest } from "../errors.js";
import type { InputFileRef } from "../params.js";
import { parseReplyMarkup } from "../reply-markup.js";
import { asDocument, asMedia, asPhotoSize, guessMimeType, type StoredFile } from "../state/files.js";
import { assertReachable, pushBotMessage, readCaption, readMessageText } from "./bot-message.js";
import type { MethodCall } from "./method.js";

/** Photos above this are refused, as by the hosted Bot API. */
const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;

export function sendMessage({ ctx, params }: MethodCall): unknown {
  const chat = ctx.chats.resolve(params);
  assertReachable(chat);
  const text = readMessageText(params);
  const markup = parseReplyMarkup(params);
  return pushBotMessage(ctx, chat, { content: {}, textField: "text", text, markup }).message;
}

const KIND_NAMES = { photo: "Photo", document: "Document" } as const;

/** Finds or stores the file a send* call refers to. URLs fail: the emulator has no internet. */
function resolveInputFile(ctx: EmulatorContext, ref: InputFileRef, kind: "photo" | "document"): StoredFile {
  switch (ref.kind) {
    case "url":
      throw badRequest("failed to get HTTP URL content");
    case "file_id": {
      const file = ctx.files.get(ref.fileId);
      if (file === undefined) throw badRequest("wrong file identifier/HTTP URL specified");
      if (file.kind !== kind)
        throw badRequest(`can't use file of type ${KIND_NAMES[file.kind]} as ${KIND_NAMES[kind]}`);
      return file;
    }
    case "upload": {
      const { bytes, fileName } = ref.file;
      if (bytes.byteLength === 0) throw badRequest("file must be non-empty");
      if (kind === "photo") {
        if (bytes.byteLength > PHOTO_LIMIT_BYTES) throw badRequest("PHOTO_INVALID_DIMENSIONS");
        return ctx.files.addPhoto(bytes).largest;
      }
      const mimeType = guessMimeType(fileName) ?? "application/octet-stream";
      return ctx.files.addDocument(bytes, { fileName, mimeType });
    }
  }
}

export function sendPhoto({ ctx, params }: MethodCall): unknown {
  const chat = ctx.chats.resolve(params);
  assertReachable(chat);
  const ref = params.inputFile("photo");
  if (ref === undefined) throw badRequest("there is no photo in the request");
  const caption = readCaption(params);
  const markup = parseReplyMarkup(params);
  const file = resolveInputFile(ctx, ref, "photo");
  const sizes = file.photoSizes ?? [asPhotoSize(file)];
  return pushBotMessage(ctx, chat, {
    content: { photo: sizes },
    textField: "caption",
    text: caption,
    markup,
    media: asMedia(file),
  }).message;
}

export function sendDocument({ ctx, params }: MethodCall): unknown {
  const chat = ctx.chats.resolve(params);
  assertReachable(chat);
  const ref = params.inputFile("document");
  if (ref === undefined) throw badRequest("there is no document in the request");
  const caption = readCaption(params);
  const markup = parseReplyMarkup(params);
  const file = resolveInputFile(ctx, ref, "document");
  return pushBotMessage(ctx, chat, {
    content: { document: asDocument(file) },
    textField: "caption",
    text: caption,
    markup,
    media: asMedia(file),
  }).message;
}

export function sendChatAction({ ctx, params }: MethodCall): unknown {
  const chat = ctx.chats.resolve(params);
  assertReachable(chat);
  const action = params.string("action");
  const known = [
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
  ];
  if (action === undefined || !known.includes(action))
    throw new BotApiError(400, "Bad Request: wrong parameter action in request");
  return true;
}
