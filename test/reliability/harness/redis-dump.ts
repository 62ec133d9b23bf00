/** Everything Redis holds under a key prefix, as text: to check what must never be there (R29). */
import { Redis } from "ioredis";

export async function redisText(url: string, prefix: string): Promise<{ keys: number; text: string }> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const parts: string[] = [];
    let keys = 0;
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        parts.push(key, JSON.stringify(await contentsOf(redis, key)));
      }
    } while (cursor !== "0");
    return { keys, text: parts.join("\n") };
  } finally {
    redis.disconnect();
  }
}

async function contentsOf(redis: Redis, key: string): Promise<unknown> {
  switch (await redis.type(key)) {
    case "string":
      return redis.get(key);
    case "hash":
      return redis.hgetall(key);
    case "list":
      return redis.lrange(key, 0, -1);
    case "set":
      return redis.smembers(key);
    case "zset":
      return redis.zrange(key, "0", "-1");
    case "stream":
      return redis.xrange(key, "-", "+");
    default:
      return null;
  }
}
