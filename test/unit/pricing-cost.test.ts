import assert from 'node:assert/strict';
import { estimateCost, perMillionRates, SHIPPED_PRICE_TABLE, type TokenCounts } from '../../core/pricing/price-table.ts';

function tokens(counts: Partial<TokenCounts>): TokenCounts {
  return { input_tokens: 0, output_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, cache_read_tokens: 0, ...counts };
}

function close(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

describe('pricing: cost of a request', () => {
  it('prices the transcript fixture totals by hand (cache writes and reads included)', () => {
    // claude-opus-4-6 at 5 in / 25 out / 6.25 write 5m / 0.50 read, per million tokens:
    // 8×5 + 317×25 + 29436×6.25 + 235141×0.5 = 40 + 7925 + 183975 + 117570.5 = 309510.5 → $0.3095105
    const opus = estimateCost('claude-opus-4-6', tokens({ input_tokens: 8, output_tokens: 317, cache_write_5m_tokens: 29436, cache_read_tokens: 235141 }));
    close(opus?.usd, 0.3095105);
    close(opus?.breakdown.cache_write, 0.183975);
    close(opus?.breakdown.cache_read, 0.1175705);
    assert.equal(opus?.estimate, true);
    assert.equal(opus?.basis, 'list_price');
    assert.equal(opus?.model, 'claude-opus-4-6');
    assert.equal(opus?.table_version, SHIPPED_PRICE_TABLE.version);
    // claude-sonnet-4-5-20250929 at 3 / 15 / 3.75 / 0.30: 3×3 + 3×15 + 13522×3.75 = 9 + 45 + 50707.5 → $0.0507615
    close(estimateCost('claude-sonnet-4-5-20250929', tokens({ input_tokens: 3, output_tokens: 3, cache_write_5m_tokens: 13522 }))?.usd, 0.0507615);
  });

  it('prices 1-hour cache writes apart from 5-minute ones', () => {
    // Sonnet 4.6: 2000 × 3.75 (5m) + 1000 × 6 (1h) = 7500 + 6000 = 13500 → $0.0135
    const cost = estimateCost('claude-sonnet-4-6', tokens({ cache_write_5m_tokens: 2000, cache_write_1h_tokens: 1000 }));
    close(cost?.usd, 0.0135);
    close(cost?.breakdown.cache_write, 0.0135);
  });

  it('switches a whole request to long-context rates above the prompt threshold', () => {
    // Sonnet 4.5, prompt = 150000 input + 60000 cache read = 210000 > 200000:
    // 150000 × 6 + 60000 × 0.60 + 1000 × 22.50 = 900000 + 36000 + 22500 = 958500 → $0.9585
    const long = estimateCost('claude-sonnet-4-5', tokens({ input_tokens: 150_000, cache_read_tokens: 60_000, output_tokens: 1000 }));
    close(long?.usd, 0.9585);
    assert.equal(long?.tier, 'long_context');
    // Haiku 5.5 by prompt length: 50000 × 0.10 + 1000 × 0.50 = 5500 → $0.0055; 120000 × 0.50 + 1000 × 2.50 = 62500 → $0.0625
    close(estimateCost('claude-haiku-5-5', tokens({ input_tokens: 50_000, output_tokens: 1000 }))?.usd, 0.0055);
    close(estimateCost('claude-haiku-5-5', tokens({ input_tokens: 120_000, output_tokens: 1000 }))?.usd, 0.0625);
    // Gemini 2.5 Pro below the threshold: 100000 × 1.25 + 50000 × 10 = 625000 → $0.625
    close(estimateCost('gemini-2.5-pro', tokens({ input_tokens: 100_000, output_tokens: 50_000 }))?.usd, 0.625);
  });

  it('prices OpenAI cached input at its own rate (input counted without the cached part)', () => {
    // gpt-5: 100000 × 1.25 + 50000 × 0.125 + 10000 × 10 = 125000 + 6250 + 100000 = 231250 → $0.23125
    close(estimateCost('gpt-5-2025-08-07', tokens({ input_tokens: 100_000, cache_read_tokens: 50_000, output_tokens: 10_000 }))?.usd, 0.23125);
    // gpt-4.1-mini: 1M in × 0.40 + 1M cached × 0.10 + 1M out × 1.60 = $2.10
    close(estimateCost('gpt-4.1-mini', tokens({ input_tokens: 1e6, cache_read_tokens: 1e6, output_tokens: 1e6 }))?.usd, 2.1);
  });

  it('applies the US-only inference multiplier and the fast-mode price where known, and flags a fast request it cannot price', () => {
    // Opus 4.6, 1000 input served in the US: 1000 × 5 × 1.1 = 5500 → $0.0055
    close(estimateCost('claude-opus-4-6', tokens({ input_tokens: 1000 }), undefined, { inferenceGeo: 'us' })?.usd, 0.0055);
    close(estimateCost('claude-opus-4-5', tokens({ input_tokens: 1000 }), undefined, { inferenceGeo: 'us' })?.usd, 0.005);
    // Opus 4.8 fast: 1000 × 5 × 2 = $0.01
    close(estimateCost('claude-opus-4-8', tokens({ input_tokens: 1000 }), undefined, { speed: 'fast' })?.usd, 0.01);
    const unpriced = estimateCost('claude-opus-4-6', tokens({ input_tokens: 1000 }), undefined, { speed: 'fast' });
    assert.equal(unpriced?.lower_bound, 'fast_mode_unpriced');
    close(unpriced?.usd, 0.005);
  });

  it('has no cost for a model it does not know: undefined, never 0', () => {
    for (const model of [undefined, '', 'sonnet', 'opus', 'default', 'auto', '<synthetic>', 'claude-opus-9-9', 'o3-pro', 'llama-3-70b']) {
      assert.equal(estimateCost(model, tokens({ input_tokens: 1000, output_tokens: 1000 })), undefined, String(model));
    }
    // Zero tokens of a known model cost 0, which is a real figure.
    assert.equal(estimateCost('claude-haiku-4-5', tokens({}))?.usd, 0);
  });

  it('gives flat per-model rates for code that prices totals', () => {
    assert.deepEqual(perMillionRates('claude-opus-4-6[1m]'), { model: 'claude-opus-4-6', input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cacheRead: 0.5 });
    assert.equal(perMillionRates('sonnet'), undefined);
  });
});
