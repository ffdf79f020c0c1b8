import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  estimateCost,
  loadPriceTable,
  mergePriceTables,
  parsePriceOverrides,
  PriceOverrideError,
  resolveModel,
  SHIPPED_PRICE_TABLE,
  type TokenCounts,
} from '../../core/pricing/price-table.ts';

const ONE_MILLION_IN: TokenCounts = { input_tokens: 1e6, output_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, cache_read_tokens: 0 };

describe('pricing: model names', () => {
  const cases: Array<[string, string | undefined]> = [
    ['claude-opus-4-6', 'claude-opus-4-6'],
    ['CLAUDE-OPUS-4-6', 'claude-opus-4-6'],
    ['claude-sonnet-5', 'claude-sonnet-5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-opus-4-6[1m]', 'claude-opus-4-6'],
    ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    // Bedrock (with and without a region prefix) and Vertex
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['global.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
    ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['claude-opus-4-1@20250805', 'claude-opus-4-1'],
    ['publishers/anthropic/models/claude-sonnet-4@20250514', 'claude-sonnet-4'],
    // Gateways and Cursor's spellings
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['claude-4.5-sonnet-thinking', 'claude-sonnet-4-5'],
    ['claude-4-sonnet', 'claude-sonnet-4'],
    ['claude-opus-4-6-fast', 'claude-opus-4-6'],
    // OpenAI: a dated snapshot maps to its family unless it has its own price
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['openai/gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['gpt-5-codex', 'gpt-5'],
    ['o3-2025-04-16', 'o3'],
    ['o4-mini', 'o4-mini'],
    ['o3-pro', undefined],
    // Google
    ['models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini-2.5-flash-preview-04-17', undefined],
    // Labels that are not model ids
    ['opus', undefined],
    ['default', undefined],
    ['<synthetic>', undefined],
  ];
  for (const [name, expected] of cases) {
    it(`${name} → ${expected ?? 'unknown'}`, () => assert.equal(resolveModel(name), expected));
  }
});

describe('pricing: shipped table', () => {
  it('states its date, currency and unit, and a source for every entry', () => {
    assert.match(SHIPPED_PRICE_TABLE.prices_as_of, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(SHIPPED_PRICE_TABLE.currency, 'USD');
    assert.equal(SHIPPED_PRICE_TABLE.unit, 'per_million_tokens');
    for (const [key, entry] of Object.entries(SHIPPED_PRICE_TABLE.models)) {
      assert.ok(SHIPPED_PRICE_TABLE.sources[entry.source], `${key}: source ${entry.source}`);
      for (const rate of [entry.input, entry.output, entry.cache_write_5m, entry.cache_write_1h, entry.cache_read]) assert.ok(rate >= 0 && Number.isFinite(rate), key);
      assert.equal(resolveModel(key), key, `${key} resolves to itself`);
      for (const alias of entry.aliases ?? []) assert.equal(resolveModel(alias), key, `${alias} → ${key}`);
    }
  });

  it('covers the Anthropic, OpenAI and Google lines the product meets', () => {
    for (const model of ['claude-3-opus', 'claude-3-5-sonnet', 'claude-3-7-sonnet', 'claude-opus-4', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-6', 'claude-sonnet-4-6', 'claude-sonnet-5', 'gpt-4o', 'gpt-4.1', 'gpt-5', 'gpt-5-mini', 'o3', 'o4-mini', 'gemini-2.0-flash', 'gemini-2.5-pro', 'gemini-2.5-flash']) {
      assert.ok(SHIPPED_PRICE_TABLE.models[model], model);
    }
  });
});

describe('pricing: user override file', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'blueplane-prices-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('merges a user file over the shipped table: a changed field keeps the others, a new model gets defaults', () => {
    writeFileSync(
      join(home, 'prices.json'),
      JSON.stringify({
        version: 'team-2026-11',
        models: {
          'claude-opus-4-6': { cache_read: 0.4 },
          'my-local-model': { input: 1, output: 2, aliases: ['my-local-model-latest'] },
        },
      }),
    );
    const loaded = loadPriceTable(home);
    assert.equal(loaded.problem, undefined);
    assert.deepEqual(loaded.overridden.sort(), ['claude-opus-4-6', 'my-local-model']);
    const opus = loaded.table.models['claude-opus-4-6']!;
    assert.deepEqual([opus.input, opus.output, opus.cache_write_5m, opus.cache_write_1h, opus.cache_read], [5, 25, 6.25, 10, 0.4]);
    assert.equal(opus.confidence, 'user');
    const local = loaded.table.models['my-local-model']!;
    assert.deepEqual([local.cache_write_5m, local.cache_write_1h, local.cache_read], [1, 1, 1], 'no cache discount assumed');
    assert.equal(estimateCost('my-local-model-latest', ONE_MILLION_IN, loaded.table)?.usd, 1);
    assert.equal(loaded.table.version, `${SHIPPED_PRICE_TABLE.version}+team-2026-11`);
    // The shipped table itself is untouched.
    assert.equal(SHIPPED_PRICE_TABLE.models['claude-opus-4-6']!.cache_read, 0.5);
    assert.equal(SHIPPED_PRICE_TABLE.models['my-local-model'], undefined);
  });

  it('uses the shipped table when there is no user file', () => {
    const loaded = loadPriceTable(home);
    assert.equal(loaded.table, SHIPPED_PRICE_TABLE);
    assert.deepEqual(loaded.overridden, []);
    assert.equal(loaded.problem, undefined);
  });

  it('rejects an invalid file with errors that name the field and what was expected, and falls back to the shipped table', () => {
    const problems = (text: string): string[] => {
      try {
        parsePriceOverrides(text);
      } catch (error) {
        assert.ok(error instanceof PriceOverrideError);
        assert.match(error.message, /^prices\.json is not a valid price file:/);
        return error.problems;
      }
      assert.fail('expected a PriceOverrideError');
    };
    assert.match(problems('{"models": {')[0]!, /^not valid JSON/);
    assert.match(problems('[]')[0]!, /must hold a JSON object/);
    assert.deepEqual(problems('{"prices": {}}'), ['"prices" is not a known top-level field (known: version, prices_as_of, currency, unit, sources, models)', '"models" must be an object mapping model ids to prices']);
    assert.deepEqual(problems('{"models": {"gpt-5": {"input": -1}}}'), ['models["gpt-5"].input must be a number of USD per million tokens between 0 and 100000 (got -1)']);
    assert.deepEqual(problems('{"models": {"gpt-5": {"input": "1.25"}}}'), ['models["gpt-5"].input must be a number of USD per million tokens between 0 and 100000 (got "1.25")']);
    assert.match(problems('{"models": {"gpt-5": {"ouput": 10}}}')[0]!, /^models\["gpt-5"\]\.ouput is not a known field/);
    assert.deepEqual(problems('{"models": {"new-model": {"input": 1}}}'), ['models["new-model"] is not in the shipped table, so it needs at least "input" and "output"']);
    assert.deepEqual(problems('{"currency": "EUR", "models": {}}'), ['currency must be "USD" (got "EUR")']);
    assert.match(problems('{"models": {"gpt-5": {"long_context": {"input": 1}}}}').join('\n'), /long_context\.above_prompt_tokens must be a positive whole number/);
    writeFileSync(join(home, 'prices.json'), '{"models": {"gpt-5": {"input": null}}}');
    const loaded = loadPriceTable(home);
    assert.equal(loaded.table, SHIPPED_PRICE_TABLE);
    assert.match(loaded.problem ?? '', /models\["gpt-5"\]\.input must be a number/);
  });

  it('merges programmatically too (the daemon may hold overrides elsewhere)', () => {
    const table = mergePriceTables(SHIPPED_PRICE_TABLE, parsePriceOverrides('{"models": {"o3": {"input": 10, "output": 40, "cache_read": 2.5}}}'));
    assert.equal(estimateCost('o3-2025-04-16', ONE_MILLION_IN, table)?.usd, 10);
    assert.equal(estimateCost('o3', ONE_MILLION_IN)?.usd, 2);
  });
});
