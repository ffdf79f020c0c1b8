// The price table shipped with Blueplane: list prices in USD per million tokens, offline, for the
// models Claude Code, Cursor and similar assistants call. Every cost computed from it is an
// estimate at list price (subscription users are not billed per token; discounts, batch and
// regional prices are not modelled). Users can override or extend it with <BLUEPLANE_HOME>/prices.json.
//
// Conventions
// - Token categories are disjoint: `input` prices uncached input only; cache writes and cache reads
//   are priced by their own fields. (OpenAI and Gemini report input tokens *including* cached ones:
//   subtract the cached count before pricing.)
// - OpenAI and Google do not charge a separate cache-write price (Google bills cache storage per
//   hour instead, which is not modelled): their cache_write_* equal `input`.
// - `long_context` applies to a whole request whose prompt (input + cache writes + cache reads) is
//   above `above_prompt_tokens`.
// - `confidence`: "official" = read on the provider's own page (stored copy, date below);
//   "secondary" = a third party that cites the provider's page; "unverified" = not confirmed in
//   any stored source (kept because the model appears in real transcripts; check before relying on it).
import type { PriceTable } from './price-table.ts';

export const SHIPPED_PRICE_TABLE: PriceTable = {
  version: '2026-11-22',
  prices_as_of: '2026-11-22',
  currency: 'USD',
  unit: 'per_million_tokens',
  sources: {
    'anthropic-pricing':
      'https://platform.claude.com/docs/en/about-claude/pricing ("Model pricing", stored copy read 2026-11-22; ../shared/reference/claude-code.md §4.6 D-price, 2026-08 snapshot)',
    'anthropic-pricing-2025':
      'https://platform.claude.com/docs/zh-CN/about-claude/pricing (older stored copy listing the Claude 3.x rows: Sonnet 3.7, Haiku 3.5, Opus 3, Haiku 3)',
    'anthropic-model-pages':
      'https://platform.claude.com/docs/*/models/{opus-5-5,sonnet-5,sonnet-5-5,haiku-5-5}/overview ("Pricing" blocks, stored copies read 2026-11-22)',
    'anthropic-third-party-2026-10':
      'kurofune/claudit v1.9.2 and TheKrush/PromptFuel v1.0.23 release notes (both re-read the live Anthropic pricing page in 2026-10: Sonnet 5.5 cache reads cut to $0.10 on 2026-10-07; Haiku 5.5 prompt-length tiers)',
    'anthropic-long-context-2025':
      'Anthropic long-context pricing for the Sonnet 4 / 4.5 1M-token beta (prompts over 200K tokens: 2x input, 1.5x output); recalled, not found in the stored copies',
    'ccusage-anchor': '../shared/reference/ccusage-anchor.md (prices ccusage 20.0.24 applies offline, measured 2026-11-22)',
    'openai-model-pages':
      'https://developers.openai.com/api/docs/models/<id> ("Text tokens" price blocks, stored copies read 2026-11-22)',
    'openai-copilot-table':
      'github/docs data/tables/copilot/models-and-pricing.yml (GitHub Copilot per-token prices, which are OpenAI list prices; stored copy read 2026-11-22)',
    'openai-2025':
      'OpenAI API pricing as published in 2025 (o3 after the 2025-06 price cut, o4-mini, o3-mini, gpt-4o, gpt-4.1 family); secondary copies: RooCodeInc/Roo-Code PR #2691, openai-cost and adk-model crates',
    'google-pricing':
      'https://ai.google.dev/gemini-api/docs/pricing (via api-evangelist/gemini plans/gemini-plans-pricing.yml, transcribed 2026-09-20; github/docs Copilot table for Gemini 3.x)',
    'google-2025': 'Gemini API pricing as published in 2025 (2.0 and 2.5 families, context-caching prices after the 2025 cut); recalled, partly confirmed by google-pricing',
  },
  models: {
    // ---- Anthropic: current lineup -------------------------------------------------------------
    'claude-fable-5-1': {
      provider: 'anthropic', input: 10, output: 50, cache_write_5m: 12.5, cache_write_1h: 20, cache_read: 0.25,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-mythos-5-1': {
      provider: 'anthropic', input: 10, output: 50, cache_write_5m: 12.5, cache_write_1h: 20, cache_read: 0.25,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-fable-5': {
      provider: 'anthropic', input: 10, output: 50, cache_write_5m: 12.5, cache_write_1h: 20, cache_read: 1,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-mythos-5': {
      provider: 'anthropic', input: 10, output: 50, cache_write_5m: 12.5, cache_write_1h: 20, cache_read: 1,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-opus-5-5': {
      provider: 'anthropic', input: 4, output: 20, cache_write_5m: 5, cache_write_1h: 8, cache_read: 0.2,
      us_inference_multiplier: 1.1, source: 'anthropic-model-pages', confidence: 'official',
    },
    'claude-opus-5': {
      provider: 'anthropic', input: 5, output: 25, cache_write_5m: 6.25, cache_write_1h: 10, cache_read: 0.5,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-opus-4-8': {
      provider: 'anthropic', input: 5, output: 25, cache_write_5m: 6.25, cache_write_1h: 10, cache_read: 0.5,
      us_inference_multiplier: 1.1, fast_multiplier: 2, source: 'anthropic-pricing', confidence: 'official',
      note: 'fast mode 2x (10 / 50 / 12.50 / 1.00) per openai-copilot-table "Claude Opus 4.8 (fast mode)"',
    },
    'claude-opus-4-7': {
      provider: 'anthropic', input: 5, output: 25, cache_write_5m: 6.25, cache_write_1h: 10, cache_read: 0.5,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-opus-4-6': {
      provider: 'anthropic', input: 5, output: 25, cache_write_5m: 6.25, cache_write_1h: 10, cache_read: 0.5,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
      note: 'full 1M context at standard price (D-price); fast-mode price not known here',
    },
    'claude-opus-4-5': {
      provider: 'anthropic', input: 5, output: 25, cache_write_5m: 6.25, cache_write_1h: 10, cache_read: 0.5,
      source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-opus-4-1': {
      provider: 'anthropic', input: 15, output: 75, cache_write_5m: 18.75, cache_write_1h: 30, cache_read: 1.5,
      source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-opus-4': {
      provider: 'anthropic', input: 15, output: 75, cache_write_5m: 18.75, cache_write_1h: 30, cache_read: 1.5,
      aliases: ['claude-opus-4-0', 'claude-4-opus'], source: 'anthropic-pricing', confidence: 'official',
    },
    'claude-sonnet-5-5': {
      provider: 'anthropic', input: 2, output: 10, cache_write_5m: 2.5, cache_write_1h: 4, cache_read: 0.1,
      us_inference_multiplier: 1.1, source: 'anthropic-third-party-2026-10', confidence: 'secondary',
      note: 'cache read $0.10 since 2026-10-07 (two third-party changelogs); the stored official model page still shows $0.20',
    },
    'claude-sonnet-5': {
      provider: 'anthropic', input: 2, output: 10, cache_write_5m: 2.5, cache_write_1h: 4, cache_read: 0.2,
      us_inference_multiplier: 1.1, source: 'anthropic-model-pages', confidence: 'official',
    },
    'claude-sonnet-4-6': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      us_inference_multiplier: 1.1, source: 'anthropic-pricing', confidence: 'official',
      note: 'full 1M context at standard price (D-price)',
    },
    'claude-sonnet-4-5': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      long_context: { above_prompt_tokens: 200_000, input: 6, output: 22.5, cache_write_5m: 7.5, cache_write_1h: 12, cache_read: 0.6 },
      source: 'anthropic-pricing', confidence: 'official',
      note: 'long_context tier from anthropic-long-context-2025 (unverified; the 1M beta is gone from the current page)',
    },
    'claude-sonnet-4': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      long_context: { above_prompt_tokens: 200_000, input: 6, output: 22.5, cache_write_5m: 7.5, cache_write_1h: 12, cache_read: 0.6 },
      aliases: ['claude-sonnet-4-0', 'claude-4-sonnet'], source: 'anthropic-pricing', confidence: 'official',
      note: 'long_context tier from anthropic-long-context-2025 (unverified)',
    },
    'claude-haiku-5-5': {
      provider: 'anthropic', input: 0.1, output: 0.5, cache_write_5m: 0.125, cache_write_1h: 0.2, cache_read: 0.01,
      long_context: { above_prompt_tokens: 100_000, input: 0.5, output: 2.5, cache_write_5m: 0.625, cache_write_1h: 1, cache_read: 0.05 },
      us_inference_multiplier: 1.1, source: 'anthropic-model-pages', confidence: 'official',
      note: 'priced by prompt length: prompts over 100,000 tokens pay the higher rates on every token of the request',
    },
    'claude-haiku-4-5': {
      provider: 'anthropic', input: 1, output: 5, cache_write_5m: 1.25, cache_write_1h: 2, cache_read: 0.1,
      source: 'anthropic-pricing', confidence: 'official',
    },
    // ---- Anthropic: Claude 3.x (retired or deprecated; kept for history) -------------------------
    'claude-3-7-sonnet': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      aliases: ['claude-sonnet-3-7'], source: 'anthropic-pricing-2025', confidence: 'official',
    },
    'claude-3-5-sonnet': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      aliases: ['claude-sonnet-3-5'], source: 'anthropic-pricing-2025', confidence: 'unverified',
      note: 'not on the stored pages (retired before them); same list price as Sonnet 3.7 at its time; 1h write assumed 2x input',
    },
    'claude-3-5-haiku': {
      provider: 'anthropic', input: 0.8, output: 4, cache_write_5m: 1, cache_write_1h: 1.6, cache_read: 0.08,
      aliases: ['claude-haiku-3-5'], source: 'anthropic-pricing-2025', confidence: 'official',
    },
    'claude-3-opus': {
      provider: 'anthropic', input: 15, output: 75, cache_write_5m: 18.75, cache_write_1h: 30, cache_read: 1.5,
      aliases: ['claude-opus-3'], source: 'anthropic-pricing-2025', confidence: 'official',
    },
    'claude-3-sonnet': {
      provider: 'anthropic', input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3,
      source: 'anthropic-pricing-2025', confidence: 'unverified',
      note: 'retired 2025; launch list price 3 / 15; cache prices assumed from the standard multipliers',
    },
    'claude-3-haiku': {
      provider: 'anthropic', input: 0.25, output: 1.25, cache_write_5m: 0.3, cache_write_1h: 0.5, cache_read: 0.03,
      aliases: ['claude-haiku-3'], source: 'anthropic-pricing-2025', confidence: 'official',
    },
    // ---- OpenAI ------------------------------------------------------------------------------------
    'gpt-5.5': {
      provider: 'openai', input: 5, output: 30, cache_write_5m: 5, cache_write_1h: 5, cache_read: 0.5,
      long_context: { above_prompt_tokens: 272_000, input: 10, output: 45, cache_write_5m: 10, cache_write_1h: 10, cache_read: 1 },
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.4': {
      provider: 'openai', input: 2.5, output: 15, cache_write_5m: 2.5, cache_write_1h: 2.5, cache_read: 0.25,
      long_context: { above_prompt_tokens: 272_000, input: 5, output: 22.5, cache_write_5m: 5, cache_write_1h: 5, cache_read: 0.5 },
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.4-mini': {
      provider: 'openai', input: 0.75, output: 4.5, cache_write_5m: 0.75, cache_write_1h: 0.75, cache_read: 0.075,
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.4-nano': {
      provider: 'openai', input: 0.2, output: 1.25, cache_write_5m: 0.2, cache_write_1h: 0.2, cache_read: 0.02,
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.3-codex': {
      provider: 'openai', input: 1.75, output: 14, cache_write_5m: 1.75, cache_write_1h: 1.75, cache_read: 0.175,
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.2': {
      provider: 'openai', input: 1.75, output: 14, cache_write_5m: 1.75, cache_write_1h: 1.75, cache_read: 0.175,
      aliases: ['gpt-5.2-codex'], source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5.1': {
      provider: 'openai', input: 1.25, output: 10, cache_write_5m: 1.25, cache_write_1h: 1.25, cache_read: 0.125,
      aliases: ['gpt-5.1-codex'], source: 'openai-2025', confidence: 'unverified',
      note: 'same list price as gpt-5 at launch',
    },
    'gpt-5': {
      provider: 'openai', input: 1.25, output: 10, cache_write_5m: 1.25, cache_write_1h: 1.25, cache_read: 0.125,
      aliases: ['gpt-5-codex', 'gpt-5-chat-latest'], source: 'openai-model-pages', confidence: 'official',
    },
    'gpt-5-mini': {
      provider: 'openai', input: 0.25, output: 2, cache_write_5m: 0.25, cache_write_1h: 0.25, cache_read: 0.025,
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-5-nano': {
      provider: 'openai', input: 0.05, output: 0.4, cache_write_5m: 0.05, cache_write_1h: 0.05, cache_read: 0.005,
      source: 'openai-model-pages', confidence: 'official',
    },
    'gpt-4.1': {
      provider: 'openai', input: 2, output: 8, cache_write_5m: 2, cache_write_1h: 2, cache_read: 0.5,
      source: 'openai-copilot-table', confidence: 'secondary',
    },
    'gpt-4.1-mini': {
      provider: 'openai', input: 0.4, output: 1.6, cache_write_5m: 0.4, cache_write_1h: 0.4, cache_read: 0.1,
      source: 'openai-2025', confidence: 'secondary',
    },
    'gpt-4.1-nano': {
      provider: 'openai', input: 0.1, output: 0.4, cache_write_5m: 0.1, cache_write_1h: 0.1, cache_read: 0.025,
      source: 'openai-2025', confidence: 'secondary',
    },
    'gpt-4o': {
      provider: 'openai', input: 2.5, output: 10, cache_write_5m: 2.5, cache_write_1h: 2.5, cache_read: 1.25,
      source: 'openai-2025', confidence: 'secondary',
    },
    'gpt-4o-2024-05-13': {
      provider: 'openai', input: 5, output: 15, cache_write_5m: 5, cache_write_1h: 5, cache_read: 5,
      source: 'openai-2025', confidence: 'unverified', note: 'the first gpt-4o snapshot kept its launch price and has no cache discount',
    },
    'gpt-4o-mini': {
      provider: 'openai', input: 0.15, output: 0.6, cache_write_5m: 0.15, cache_write_1h: 0.15, cache_read: 0.075,
      source: 'openai-2025', confidence: 'secondary',
    },
    o3: {
      provider: 'openai', input: 2, output: 8, cache_write_5m: 2, cache_write_1h: 2, cache_read: 0.5,
      source: 'openai-2025', confidence: 'unverified', note: 'after the 2025-06 price cut (launch price was 10 / 40 / cached 2.50)',
    },
    'o3-mini': {
      provider: 'openai', input: 1.1, output: 4.4, cache_write_5m: 1.1, cache_write_1h: 1.1, cache_read: 0.55,
      source: 'openai-2025', confidence: 'secondary',
    },
    'o4-mini': {
      provider: 'openai', input: 1.1, output: 4.4, cache_write_5m: 1.1, cache_write_1h: 1.1, cache_read: 0.275,
      source: 'openai-2025', confidence: 'secondary',
    },
    // ---- Google --------------------------------------------------------------------------------
    'gemini-3.5-flash': {
      provider: 'google', input: 1.5, output: 9, cache_write_5m: 1.5, cache_write_1h: 1.5, cache_read: 0.15,
      source: 'google-pricing', confidence: 'secondary',
    },
    'gemini-3.1-pro': {
      provider: 'google', input: 2, output: 12, cache_write_5m: 2, cache_write_1h: 2, cache_read: 0.2,
      long_context: { above_prompt_tokens: 200_000, input: 4, output: 18, cache_write_5m: 4, cache_write_1h: 4, cache_read: 0.4 },
      aliases: ['gemini-3.1-pro-preview'], source: 'google-pricing', confidence: 'secondary',
    },
    'gemini-2.5-pro': {
      provider: 'google', input: 1.25, output: 10, cache_write_5m: 1.25, cache_write_1h: 1.25, cache_read: 0.125,
      long_context: { above_prompt_tokens: 200_000, input: 2.5, output: 15, cache_write_5m: 2.5, cache_write_1h: 2.5, cache_read: 0.25 },
      source: 'google-2025', confidence: 'secondary', note: 'input tiers confirmed by google-pricing; cache and output tiers from google-2025',
    },
    'gemini-2.5-flash': {
      provider: 'google', input: 0.3, output: 2.5, cache_write_5m: 0.3, cache_write_1h: 0.3, cache_read: 0.03,
      source: 'google-2025', confidence: 'secondary', note: 'text/image/video input; audio input is 1.00',
    },
    'gemini-2.5-flash-lite': {
      provider: 'google', input: 0.1, output: 0.4, cache_write_5m: 0.1, cache_write_1h: 0.1, cache_read: 0.01,
      source: 'google-2025', confidence: 'secondary',
    },
    'gemini-2.0-flash': {
      provider: 'google', input: 0.1, output: 0.4, cache_write_5m: 0.1, cache_write_1h: 0.1, cache_read: 0.025,
      source: 'google-2025', confidence: 'unverified',
    },
    'gemini-2.0-flash-lite': {
      provider: 'google', input: 0.075, output: 0.3, cache_write_5m: 0.075, cache_write_1h: 0.075, cache_read: 0.075,
      source: 'google-2025', confidence: 'unverified', note: 'no context caching; cache_read priced as input',
    },
  },
};
