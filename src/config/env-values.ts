/**
 * Schemas for one environment variable's (trimmed, non-empty) string value, shared by the core
 * schema and by the sections plugins and channels declare. Each message completes "<VARIABLE> …".
 */
import { z } from "zod";

export const httpUrlMessage = "must be an http(s) URL such as https://example.com (no ? or #)";

export function integer(min: number, max: number, message = `must be an integer from ${min} to ${max}`) {
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

/**
 * true/false/1/0, any case. (Not z.stringbool: its failure aborts the object, which would hide the
 * cross-variable problems from the same run.)
 */
export function boolean(message: string) {
  return z
    .string()
    .toLowerCase()
    .pipe(z.enum(["true", "false", "1", "0"], { error: message }))
    .transform((value) => value === "true" || value === "1");
}

/**
 * An absolute URL with one of the given schemes, kept without trailing slashes. Base URLs (the
 * default) get paths appended, so a query or fragment would end up mid-URL and is refused.
 */
export function url(schemes: readonly string[], message: string, { base = true } = {}) {
  return z
    .string()
    .refine((value) => {
      try {
        const parsed = new URL(value);
        const plain = parsed.search === "" && parsed.hash === "";
        return schemes.includes(parsed.protocol.slice(0, -1)) && parsed.host !== "" && (plain || !base);
      } catch {
        return false;
      }
    }, message)
    .transform((value) => value.replace(/\/+$/, ""));
}

export function pattern(regex: RegExp, message: string) {
  return z.string().regex(regex, message);
}

/** "196.201.214.200, 196.201.214.206" — IPv4 or IPv6 addresses. */
export const ipList = z.string().transform((value, ctx): string[] => {
  const ips = value
    .split(",")
    .map((raw) => raw.trim())
    .filter(Boolean);
  const bad = ips.filter((ip) => !z.union([z.ipv4(), z.ipv6()]).safeParse(ip).success);
  if (ips.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: "must be IP addresses separated by commas, like 196.201.214.200,196.201.214.206",
    });
  }
  return ips;
});
