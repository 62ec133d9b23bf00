import { z } from "zod";

/**
 * The parts of a Telegram update that Duka reads (normalize.ts, grammY's per-chat sequencing), with
 * the types it reads them as. Anything else in an update is left alone (loose objects), so new Bot
 * API fields pass.
 */
const user = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const file = z.looseObject({ file_id: z.string(), file_size: z.number().int().nonnegative().optional() });

const message = z.looseObject({
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(file).optional(),
  document: file.extend({ mime_type: z.string().optional(), file_name: z.string().optional() }).optional(),
  contact: z.looseObject({ phone_number: z.string(), user_id: z.number().int().optional() }).optional(),
});

export const readableUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  message: message.optional(),
  callback_query: z
    .looseObject({
      id: z.string(),
      from: user,
      data: z.string().optional(),
      message: z.looseObject({ chat }).optional(),
    })
    .optional(),
});

/** Whether `body` is an update Duka can read without tripping over a field of the wrong type. */
export function isReadableUpdate(body: unknown): boolean {
  return readableUpdateSchema.safeParse(body).success;
}
