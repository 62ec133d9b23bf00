/**
 * A Map that forgets its oldest entries beyond `limit`. The WhatsApp adapter's memories (seen
 * message ids, recent media messages, @lid → phone) must not grow for the life of the process.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return this;
  }

  /** Adds the key unless present; true when it was new (a bounded "seen" set). */
  addIfAbsent(key: K, value: V): boolean {
    if (this.entries.has(key)) return false;
    this.set(key, value);
    return true;
  }
}
