import type { Update } from "grammy/types";

export type UpdateType = Exclude<keyof Update, "update_id">;
export type NewUpdate = Omit<Update, "update_id">;

/** Telegram's default subscription: everything except these three. */
const OPT_IN_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export function updateType(update: Update): string | undefined {
  return Object.keys(update).find((key) => key !== "update_id");
}

/**
 * Updates waiting on the server for the bot, in update_id order. Polling reads without removing
 * (getUpdates confirms by offset); webhook delivery removes each update once delivered.
 */
export class UpdateQueue {
  private readonly pending: Update[] = [];
  private lastUpdateId: number;
  /** undefined: Telegram's default set. */
  private allowed: ReadonlySet<string> | undefined;

  constructor(firstUpdateId: number) {
    this.lastUpdateId = firstUpdateId - 1;
  }

  push(body: NewUpdate): Update {
    this.lastUpdateId++;
    const update = { ...body, update_id: this.lastUpdateId } as Update;
    this.pending.push(update);
    return update;
  }

  /** `allowed_updates` as given by getUpdates/setWebhook; an empty list restores the default. */
  setAllowed(types: readonly string[]): void {
    this.allowed = types.length === 0 ? undefined : new Set(types);
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed === undefined ? undefined : [...this.allowed];
  }

  private isAllowed(update: Update): boolean {
    const type = updateType(update);
    if (type === undefined) return true;
    return this.allowed === undefined ? !OPT_IN_TYPES.has(type) : this.allowed.has(type);
  }

  /** getUpdates' offset: forget updates below it; a negative offset keeps only the last -offset. */
  confirm(offset: number): void {
    if (offset > 0) {
      const keepFrom = this.pending.findIndex((update) => update.update_id >= offset);
      this.pending.splice(0, keepFrom === -1 ? this.pending.length : keepFrom);
    } else if (offset < 0) {
      this.pending.splice(0, Math.max(0, this.pending.length + offset));
    }
  }

  /** Up to `limit` deliverable updates; updates of types the bot did not subscribe to are dropped. */
  peek(limit: number): Update[] {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (!this.isAllowed(this.pending[i] as Update)) this.pending.splice(i, 1);
    }
    return this.pending.slice(0, limit);
  }

  remove(updateId: number): void {
    const index = this.pending.findIndex((update) => update.update_id === updateId);
    if (index !== -1) this.pending.splice(index, 1);
  }

  has(updateId: number): boolean {
    return this.pending.some((update) => update.update_id === updateId);
  }

  /** Drops everything pending (drop_pending_updates); returns how many were dropped. */
  clear(): number {
    const count = this.pending.length;
    this.pending.length = 0;
    return count;
  }

  list(): Update[] {
    return [...this.pending];
  }

  get size(): number {
    return this.pending.length;
  }
}
