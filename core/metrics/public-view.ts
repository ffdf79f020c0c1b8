// What a reader gets of a metrics view: everything but the tally, which is the engine's working
// state (raw samples and counters), not something to read or store.
export type PublicView<T extends { tally: unknown }> = Omit<T, 'tally'>;

export function publicView<T extends { tally: unknown }>(view: T): PublicView<T> {
  const { tally: _tally, ...rest } = view;
  return rest;
}
