// Metrics from scratch: every session with activity in the last 30 days recomputed from
// raw_traces, then Redis's metrics keys replaced whole. The daemon does this when it starts (so
// its memory and Redis agree with SQLite, the truth) and when `blueplane metrics rebuild` asks.
import { loadPriceTable, perMillionRates } from '../pricing/price-table.ts';
import type { PriceOf } from '../metrics/token-usage.ts';
import { MetricsState, TRACKED_MS } from './metrics-state.ts';
import type { SessionSource } from './session-source.ts';

export type { MetricsRebuildReport as RebuildReport } from '../daemon/control-protocol.ts';

/** The user's price table (prices.json over the shipped one) as the engine's price lookup. */
export function priceLookup(home: string): PriceOf {
  const { table } = loadPriceTable(home);
  return (model) => perMillionRates(model, table);
}

/** A state holding every session active since now − 30 d, computed one session per macrotask. */
export async function buildMetricsState(source: SessionSource, priceOf: PriceOf, now: number): Promise<MetricsState> {
  const state = new MetricsState(source, priceOf);
  for (const ref of source.sessionsSince(new Date(now - TRACKED_MS).toISOString())) {
    state.refresh(ref.platform, ref.sessionId, now);
    // Yield between sessions: a long history must not hold up the daemon's other work.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return state;
}
