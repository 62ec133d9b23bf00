import type { Redis } from "ioredis";

/**
 * Where the WhatsApp session stands, as the process running it reports. A WhatsApp number runs
 * in one `whatsapp` process; web processes read this from Redis for /readyz and the admin API.
 */
export interface WhatsAppStatus {
  readonly state: string;
  /** Why it is not ready, in words; null when ready. */
  readonly problem: string | null;
  /** The login QR code while the session waits to be linked. */
  readonly qr: string | null;
  readonly at: string;
}

const STATUS_TTL_SECONDS = 30;

/** Reports `read()` every `everyMs` (and at once) until the returned stop is called. */
export function publishWhatsAppStatus(
  redis: Redis,
  key: string,
  read: () => Promise<WhatsAppStatus>,
  everyMs = 10_000,
): () => void {
  const publish = () =>
    read()
      .then((status) => redis.set(key, JSON.stringify(status), "EX", STATUS_TTL_SECONDS))
      .catch(() => undefined);
  void publish();
  const timer = setInterval(publish, everyMs);
  return () => clearInterval(timer);
}

/** The last report, or a status saying no WhatsApp process has reported lately. */
export async function readWhatsAppStatus(redis: Redis, key: string): Promise<WhatsAppStatus> {
  const raw = await redis.get(key).catch(() => null);
  if (raw) return JSON.parse(raw) as WhatsAppStatus;
  return {
    state: "absent",
    problem: `No WhatsApp process has reported in the last ${STATUS_TTL_SECONDS} s (start one with: duka start whatsapp)`,
    qr: null,
    at: new Date().toISOString(),
  };
}
