// Redis stream entry ids (`<ms>-<seq>`, both unsigned 64-bit): ordering and successor, for trimming
// behind what a consumer group has acknowledged.

function parts(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** The smallest id after `id` (XTRIM MINID keeps ids >= its argument, so this trims `id` itself). */
export function nextStreamId(id: string): string {
  const [ms, seq] = parts(id);
  return seq === 0xffffffffffffffffn ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}
