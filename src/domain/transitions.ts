/**
 * A state machine's legal moves as data. Stores apply a move as a compare-and-set on the
 * current status, so each transition happens once however many jobs race for it.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export function canTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  // Stored data may hold a status this code no longer knows: that is simply not a legal move.
  return (table[from] ?? []).includes(to);
}

/** The statuses from which `to` may be reached: the `$in` of a compare-and-set filter. */
export function sourcesOf<S extends string>(table: TransitionTable<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}
