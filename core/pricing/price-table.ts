// Prices and cost estimates: the shape of a price table, model-name normalization (dated ids,
// Bedrock/Vertex forms, "[1m]"-style suffixes), the cache-aware cost of one request, and the user's
// override file <BLUEPLANE_HOME>/prices.json merged over the shipped table. A cost is always an
// estimate at list price; a model the table does not know has no cost (undefined), never 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_PRICE_TABLE } from './price-table-data.ts';

/** USD per million tokens, one rate per disjoint token category. */
export interface TokenRates {
  input: number;
  output: number;
  cache_write_5m: number;
  cache_write_1h: number;
  cache_read: number;
}

export interface LongContextRates extends TokenRates {
  /** The whole request is priced at these rates when its prompt (input + cache writes + cache reads) is larger. */
  above_prompt_tokens: number;
}

export type PriceConfidence = 'official' | 'secondary' | 'unverified' | 'user';

export interface ModelPrice extends TokenRates {
  provider: string;
  aliases?: string[];
  long_context?: LongContextRates;
  /** Multiplier for requests served with `inference_geo: "us"` (Anthropic, Claude 4.6 and later). */
  us_inference_multiplier?: number;
  /** Multiplier for `speed: "fast"` requests, where the price is known. */
  fast_multiplier?: number;
  /** Key into the table's `sources`. */
  source: string;
  confidence: PriceConfidence;
  note?: string;
}

export interface PriceTable {
  version: string;
  prices_as_of: string;
  currency: 'USD';
  unit: 'per_million_tokens';
  sources: Record<string, string>;
  models: Record<string, ModelPrice>;
}

/** Token counts of one request, in disjoint categories (input excludes cached tokens). */
export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
}

export interface CostOptions {
  /** Transcript `usage.speed` ("standard" | "fast"). */
  speed?: string;
  /** Transcript `usage.inference_geo` ("us", "global", ...). */
  inferenceGeo?: string;
}

export interface CostEstimate {
  /** Always true: list-price arithmetic, not a bill. */
  estimate: true;
  usd: number;
  /** The table entry that priced the request. */
  model: string;
  basis: 'list_price';
  table_version: string;
  tier: 'standard' | 'long_context';
  breakdown: { input: number; output: number; cache_write: number; cache_read: number };
  /** Set when the true price is higher than computed (e.g. fast mode on a model whose fast price is unknown). */
  lower_bound?: 'fast_mode_unpriced';
}

export { SHIPPED_PRICE_TABLE };

export const PRICES_FILE = 'prices.json';

const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * The names to try for a model id, most specific first: the id as written (lower-cased, routing
 * prefixes removed), then without version, date and mode suffixes, then Claude's two word orders.
 */
export function modelNameCandidates(raw: string): string[] {
  const candidates: string[] = [];
  const add = (name: string) => {
    if (name !== '' && !candidates.includes(name)) candidates.push(name);
  };
  let name = raw.trim().toLowerCase();
  name = name.replace(/^(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/[^/]+\/models\//, '');
  name = name.replace(/^(?:(?:anthropic|openai|google|gemini|vertex_ai|vertex|bedrock|azure|openrouter|models)\/)+/, '');
  // Bedrock: optional region or "global." before the provider ("us.anthropic.claude-…").
  name = name.replace(/^(?:[a-z]{2,6}\.)?anthropic\./, '');
  name = name.replace(/\[[^\]]*\]$/, '');
  add(name);
  name = name.replace(/@[\w.-]*$/, '').replace(/:thinking$/, '');
  add(name);
  // Bedrock "-v2:0", Vertex "-v2", Gemini "-001".
  name = name.replace(/-v\d+(?::\d+)?$/, '').replace(/:\d+$/, '').replace(/-\d{3}$/, '');
  add(name);
  name = name.replace(DATE_SUFFIX, '');
  add(name);
  name = name.replace(/-(?:latest|thinking|fast)$/, '');
  add(name);
  for (const candidate of [...candidates]) {
    if (!candidate.startsWith('claude-')) continue;
    const dashed = candidate.replace(/(\d)\.(\d)/g, '$1-$2');
    add(dashed);
    // "claude-4-5-sonnet" (Cursor's order) <-> "claude-sonnet-4-5" (Anthropic's order since Claude 4).
    const versionFirst = /^claude-(\d+(?:-\d+)?)-(opus|sonnet|haiku|fable|mythos)$/.exec(dashed);
    if (versionFirst) add(`claude-${versionFirst[2]}-${versionFirst[1]}`);
    const familyFirst = /^claude-(opus|sonnet|haiku|fable|mythos)-(\d+(?:-\d+)?)$/.exec(dashed);
    if (familyFirst) add(`claude-${familyFirst[2]}-${familyFirst[1]}`);
  }
  return candidates;
}

function aliasIndex(table: PriceTable): Map<string, string> {
  const index = new Map<string, string>();
  for (const [key, entry] of Object.entries(table.models)) {
    for (const alias of entry.aliases ?? []) if (!index.has(alias.toLowerCase())) index.set(alias.toLowerCase(), key);
  }
  for (const key of Object.keys(table.models)) index.set(key.toLowerCase(), key);
  return index;
}

const aliasCache = new WeakMap<PriceTable, Map<string, string>>();

/** The table key that prices a model id, or undefined when the table does not know it. */
export function resolveModel(model: string | undefined, table: PriceTable = SHIPPED_PRICE_TABLE): string | undefined {
  if (!model) return undefined;
  let index = aliasCache.get(table);
  if (!index) {
    index = aliasIndex(table);
    aliasCache.set(table, index);
  }
  for (const candidate of modelNameCandidates(model)) {
    const key = index.get(candidate);
    if (key) return key;
  }
  return undefined;
}

/**
 * A model's standard rates under flat names (USD per million tokens), for code that prices per-model
 * totals rather than requests: `cacheWrite` is the 5-minute write price. Per-model totals cannot
 * apply long-context tiers or the 1-hour write price; estimateCost per request can.
 */
export function perMillionRates(
  model: string | undefined,
  table: PriceTable = SHIPPED_PRICE_TABLE,
): { model: string; input: number; output: number; cacheWrite: number; cacheWrite1h: number; cacheRead: number } | undefined {
  const key = resolveModel(model, table);
  const entry = key ? table.models[key] : undefined;
  if (!key || !entry) return undefined;
  return { model: key, input: entry.input, output: entry.output, cacheWrite: entry.cache_write_5m, cacheWrite1h: entry.cache_write_1h, cacheRead: entry.cache_read };
}

const PER_MILLION = 1_000_000;

/** The estimated list-price cost of one request; undefined for a model the table does not know. */
export function estimateCost(
  model: string | undefined,
  tokens: TokenCounts,
  table: PriceTable = SHIPPED_PRICE_TABLE,
  options: CostOptions = {},
): CostEstimate | undefined {
  const key = resolveModel(model, table);
  const entry = key ? table.models[key] : undefined;
  if (!key || !entry) return undefined;
  const prompt = tokens.input_tokens + tokens.cache_write_5m_tokens + tokens.cache_write_1h_tokens + tokens.cache_read_tokens;
  const longContext = entry.long_context && prompt > entry.long_context.above_prompt_tokens ? entry.long_context : undefined;
  const rates: TokenRates = longContext ?? entry;
  let multiplier = 1;
  if (options.inferenceGeo === 'us' && entry.us_inference_multiplier) multiplier *= entry.us_inference_multiplier;
  let lowerBound: CostEstimate['lower_bound'];
  if (options.speed === 'fast') {
    if (entry.fast_multiplier) multiplier *= entry.fast_multiplier;
    else lowerBound = 'fast_mode_unpriced';
  }
  const part = (count: number, rate: number) => (count * rate * multiplier) / PER_MILLION;
  const breakdown = {
    input: part(tokens.input_tokens, rates.input),
    output: part(tokens.output_tokens, rates.output),
    cache_write: part(tokens.cache_write_5m_tokens, rates.cache_write_5m) + part(tokens.cache_write_1h_tokens, rates.cache_write_1h),
    cache_read: part(tokens.cache_read_tokens, rates.cache_read),
  };
  return {
    estimate: true,
    usd: breakdown.input + breakdown.output + breakdown.cache_write + breakdown.cache_read,
    model: key,
    basis: 'list_price',
    table_version: table.version,
    tier: longContext ? 'long_context' : 'standard',
    breakdown,
    ...(lowerBound ? { lower_bound: lowerBound } : {}),
  };
}

// ---- the user's override file ----------------------------------------------------------------

/** A prices.json that cannot be used; the message names the file, the field and what was expected. */
export class PriceOverrideError extends Error {
  readonly problems: string[];
  constructor(origin: string, problems: string[]) {
    super(`${origin} is not a valid price file:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PriceOverrideError';
    this.problems = problems;
  }
}

/** One model in the override file: every field optional; a model the table lacks needs input and output. */
export type ModelPriceOverride = Partial<Omit<ModelPrice, 'confidence'>>;

export interface PriceOverrides {
  version?: string;
  models: Record<string, ModelPriceOverride>;
}

const RATE_FIELDS = ['input', 'output', 'cache_write_5m', 'cache_write_1h', 'cache_read'] as const;
const ENTRY_FIELDS = new Set<string>([...RATE_FIELDS, 'provider', 'aliases', 'long_context', 'us_inference_multiplier', 'fast_multiplier', 'source', 'note']);
const TOP_FIELDS = new Set(['version', 'prices_as_of', 'currency', 'unit', 'sources', 'models']);
const MAX_RATE = 100_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRate(value: unknown, where: string, problems: string[]): value is number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_RATE) return true;
  problems.push(`${where} must be a number of USD per million tokens between 0 and ${MAX_RATE} (got ${JSON.stringify(value)})`);
  return false;
}

function validateEntry(name: string, raw: unknown, problems: string[]): ModelPriceOverride | undefined {
  const at = `models[${JSON.stringify(name)}]`;
  if (!isPlainObject(raw)) {
    problems.push(`${at} must be an object with prices (input, output, cache_write_5m, cache_write_1h, cache_read)`);
    return undefined;
  }
  const entry: ModelPriceOverride = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field.startsWith('_') || field.startsWith('$')) continue;
    if (!ENTRY_FIELDS.has(field)) {
      problems.push(`${at}.${field} is not a known field (known: ${[...ENTRY_FIELDS].join(', ')})`);
      continue;
    }
    if ((RATE_FIELDS as readonly string[]).includes(field)) {
      if (checkRate(value, `${at}.${field}`, problems)) entry[field as (typeof RATE_FIELDS)[number]] = value;
    } else if (field === 'us_inference_multiplier' || field === 'fast_multiplier') {
      if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 100) entry[field] = value;
      else problems.push(`${at}.${field} must be a number between 0 and 100 (got ${JSON.stringify(value)})`);
    } else if (field === 'aliases') {
      if (Array.isArray(value) && value.every((alias) => typeof alias === 'string' && alias.trim() !== '')) entry.aliases = value.map((alias) => alias.trim().toLowerCase());
      else problems.push(`${at}.aliases must be a list of model names`);
    } else if (field === 'long_context') {
      const tier = validateLongContext(value, `${at}.long_context`, problems);
      if (tier) entry.long_context = tier;
    } else if (typeof value === 'string') {
      entry[field as 'provider' | 'source' | 'note'] = value;
    } else {
      problems.push(`${at}.${field} must be a string`);
    }
  }
  return entry;
}

function validateLongContext(raw: unknown, at: string, problems: string[]): LongContextRates | undefined {
  if (!isPlainObject(raw)) {
    problems.push(`${at} must be an object with above_prompt_tokens and the five rates`);
    return undefined;
  }
  const before = problems.length;
  const threshold = raw.above_prompt_tokens;
  if (!(typeof threshold === 'number' && Number.isInteger(threshold) && threshold > 0)) {
    problems.push(`${at}.above_prompt_tokens must be a positive whole number of tokens (got ${JSON.stringify(threshold)})`);
  }
  for (const field of RATE_FIELDS) checkRate(raw[field], `${at}.${field}`, problems);
  for (const field of Object.keys(raw)) {
    if (field !== 'above_prompt_tokens' && !(RATE_FIELDS as readonly string[]).includes(field)) problems.push(`${at}.${field} is not a known field`);
  }
  return problems.length === before ? (raw as unknown as LongContextRates) : undefined;
}

/** Parses and validates the text of a prices.json; throws PriceOverrideError listing every problem. */
export function parsePriceOverrides(text: string, origin: string = PRICES_FILE, base: PriceTable = SHIPPED_PRICE_TABLE): PriceOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PriceOverrideError(origin, [`not valid JSON (${(error as Error).message})`]);
  }
  if (!isPlainObject(raw)) throw new PriceOverrideError(origin, ['the file must hold a JSON object like {"models": {"<model id>": {"input": 3, "output": 15}}}']);
  const problems: string[] = [];
  for (const field of Object.keys(raw)) {
    if (!TOP_FIELDS.has(field) && !field.startsWith('_') && !field.startsWith('$')) problems.push(`"${field}" is not a known top-level field (known: ${[...TOP_FIELDS].join(', ')})`);
  }
  if (raw.currency !== undefined && raw.currency !== 'USD') problems.push(`currency must be "USD" (got ${JSON.stringify(raw.currency)})`);
  if (raw.unit !== undefined && raw.unit !== 'per_million_tokens') problems.push(`unit must be "per_million_tokens" (got ${JSON.stringify(raw.unit)})`);
  if (!isPlainObject(raw.models)) {
    problems.push('"models" must be an object mapping model ids to prices');
    throw new PriceOverrideError(origin, problems);
  }
  const models: Record<string, ModelPriceOverride> = {};
  for (const [name, value] of Object.entries(raw.models)) {
    const key = name.trim().toLowerCase();
    if (key === '' || key.length > 100) {
      problems.push(`model id ${JSON.stringify(name)} must be 1 to 100 characters`);
      continue;
    }
    const entry = validateEntry(name, value, problems);
    if (!entry) continue;
    const known = resolveModel(key, base) === key;
    if (!known && (entry.input === undefined || entry.output === undefined)) {
      problems.push(`models[${JSON.stringify(name)}] is not in the shipped table, so it needs at least "input" and "output"`);
      continue;
    }
    models[key] = entry;
  }
  if (problems.length > 0) throw new PriceOverrideError(origin, problems);
  return { version: typeof raw.version === 'string' ? raw.version : undefined, models };
}

/**
 * The shipped table with the user's entries merged over it, field by field. A new model's missing
 * cache prices default to its input price (no cache discount assumed).
 */
export function mergePriceTables(base: PriceTable, overrides: PriceOverrides): PriceTable {
  const models: Record<string, ModelPrice> = { ...base.models };
  for (const [key, override] of Object.entries(overrides.models)) {
    const existing = base.models[key];
    const input = override.input ?? existing?.input ?? 0;
    const writes5m = override.cache_write_5m ?? existing?.cache_write_5m ?? input;
    models[key] = {
      provider: override.provider ?? existing?.provider ?? 'user',
      input,
      output: override.output ?? existing?.output ?? 0,
      cache_write_5m: writes5m,
      cache_write_1h: override.cache_write_1h ?? existing?.cache_write_1h ?? writes5m,
      cache_read: override.cache_read ?? existing?.cache_read ?? input,
      aliases: override.aliases ?? existing?.aliases,
      long_context: override.long_context ?? existing?.long_context,
      us_inference_multiplier: override.us_inference_multiplier ?? existing?.us_inference_multiplier,
      fast_multiplier: override.fast_multiplier ?? existing?.fast_multiplier,
      source: 'user-override',
      confidence: 'user',
      note: override.note ?? existing?.note,
    };
  }
  return {
    ...base,
    version: overrides.version ? `${base.version}+${overrides.version}` : `${base.version}+user`,
    sources: { ...base.sources, 'user-override': `<BLUEPLANE_HOME>/${PRICES_FILE}` },
    models,
  };
}

export interface LoadedPriceTable {
  table: PriceTable;
  /** Model keys the user's file set or changed. */
  overridden: string[];
  /** Why the user's file was not used (the shipped table is used instead); undefined when fine or absent. */
  problem?: string;
}

/** The shipped table, merged with <home>/prices.json when that file exists and is valid. */
export function loadPriceTable(home: string, base: PriceTable = SHIPPED_PRICE_TABLE): LoadedPriceTable {
  const path = join(home, PRICES_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { table: base, overridden: [] };
    return { table: base, overridden: [], problem: `cannot read ${PRICES_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  try {
    const overrides = parsePriceOverrides(text, PRICES_FILE, base);
    return { table: mergePriceTables(base, overrides), overridden: Object.keys(overrides.models) };
  } catch (error) {
    if (error instanceof PriceOverrideError) return { table: base, overridden: [], problem: error.message };
    throw error;
  }
}
