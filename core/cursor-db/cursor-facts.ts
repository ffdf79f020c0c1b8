// What Blueplane reads from a Cursor state.vscdb, and how: only allow-listed keys, by exact name or
// by a key range (which uses the key index; LIKE does not), never `SELECT *`. The same database holds
// auth tokens (cursorAuth/*), raw prompts (aiService.prompts, agentKv:blob:*), file contents and
// chat text; none of those keys is ever queried, and from the keys that are, SQLite's JSON functions
// extract only counts, flags, timestamps, ids and model names, so message text never even reaches
// this process. Every extracted value then goes through the capture sanitizers.
import { bool, count, percent, safeModel, safeToolName, vocabulary, type Hasher } from '../capture/safe-values.ts';
import { pathHash } from '../capture/safe-values.ts';
import type { ReadOnlyDatabase } from './read-only-sqlite.ts';

/** The only keys read: exact names and key prefixes (reference/cursor.md §8.3). */
export const ALLOWED_KEYS = {
  composerData: 'composerData:',
  bubble: 'bubbleId:',
  dailyStats: 'aiCodeTracking.dailyStats.',
  composerLists: ['composer.composerData', 'composer.composerHeaders'],
  generations: 'aiService.generations',
} as const;

/** [from, to) covering every key that starts with `prefix`, for `key >= ? AND key < ?`. */
export function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** A composer ("conversation") as one source describes it; sources are merged by the monitor. */
export interface ComposerFacts {
  createdAt?: number;
  lastUpdatedAt?: number;
  status?: string;
  mode?: string;
  forceMode?: string;
  isAgentic?: boolean;
  isArchived?: boolean;
  isDraft?: boolean;
  model?: string;
  linesAdded?: number;
  linesRemoved?: number;
  filesChanged?: number;
  contextUsagePercent?: number;
  messages?: number;
  userMessages?: number;
  assistantMessages?: number;
  codeBlocks?: number;
  acceptedBlocks?: number;
  rejectedBlocks?: number;
  costCents?: number;
  usageRequests?: number;
  subComposers?: number;
  /** Keyed hash of the composer's workspace folder (Cursor ≥ 3.12 records it in the composer). */
  projectHash?: string;
}

/** Totals over a composer's bubble rows (bubbleId:<composerId>:*). */
export interface BubbleAggregate {
  bubbles: number;
  userBubbles: number;
  assistantBubbles: number;
  toolCalls: number;
  /** Tool names (built-in names verbatim, anything else "other"), sorted, each once. */
  tools: string[];
  thinkingBubbles: number;
  errorBubbles: number;
  inputTokens: number;
  outputTokens: number;
  /** Model names seen on assistant bubbles, sorted, each once. */
  models: string[];
  /** Epoch ms of the first and last bubble with a usable time (epoch-like values only). */
  firstAt?: number;
  lastAt?: number;
}

export interface GenerationFacts {
  generationId: string;
  unixMs: number;
  kind?: string;
}

export interface DailyStatsFacts {
  date: string;
  tabSuggestedLines?: number;
  tabAcceptedLines?: number;
  composerSuggestedLines?: number;
  composerAcceptedLines?: number;
}

const MODES = ['agent', 'chat', 'edit', 'plan', 'ask', 'background', 'debug'];
/** aiService.generations `type`: "composer" in every sample; the others are Cursor's feature names. */
const GENERATION_KINDS = ['composer', 'chat', 'cmdk', 'apply', 'terminal', 'agent', 'tab'];
const STATUSES = ['none', 'generating', 'completed', 'aborted', 'error'];
/** Values from before 2001 are not epoch milliseconds (chatrxiv shows relative clocks like 4745281.3). */
const MIN_EPOCH_MS = 978_307_200_000;

function epochMs(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms < 4_102_444_800_000 ? Math.round(ms) : undefined;
}

function facts(json: unknown): unknown[] {
  if (typeof json !== 'string') return [];
  try {
    const values: unknown = JSON.parse(json);
    return Array.isArray(values) ? values : [];
  } catch {
    return [];
  }
}

function modeOf(value: unknown): string | undefined {
  // Bubbles and newer composers store the mode as an int (1 Ask, 2 Agent, 5 Plan per SpecStory).
  if (typeof value === 'number') return ({ 1: 'ask', 2: 'agent', 5: 'plan' } as Record<number, string>)[value] ?? 'other';
  return vocabulary(value, MODES);
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

/** A JSON text, or '{}' for a value that is not JSON (NULL, a bare string stored unquoted). */
const JSON_VALUE = `CASE WHEN json_valid(CAST(value AS TEXT)) THEN CAST(value AS TEXT) ELSE '{}' END`;

/** Counts of array elements whose `type` is 1 (user) or 2 (assistant), for a JSON path holding an array. */
function countByType(path: string, type: 1 | 2): string {
  return `(SELECT count(*) FROM json_each(v, '${path}') m WHERE CASE WHEN m.type = 'object' THEN json_extract(m.value, '$.type') END = ${type})`;
}

function codeBlocksWith(status: string | undefined): string {
  const match = status === undefined ? '1' : `CASE WHEN b.type = 'object' THEN json_extract(b.value, '$.status') END = '${status}'`;
  return `(SELECT count(*) FROM json_each(v, '$.codeBlockData') f, json_each(CASE WHEN f.type = 'array' THEN f.value ELSE '[]' END) b WHERE ${match})`;
}

const COMPOSER_DATA_SQL = `
SELECT substr(key, ${ALLOWED_KEYS.composerData.length + 1}) AS id,
  json_extract(v, '$.createdAt', '$.lastUpdatedAt', '$.status', '$.unifiedMode', '$.forceMode', '$.isAgentic',
    '$.modelConfig.modelName', '$.totalLinesAdded', '$.totalLinesRemoved', '$.filesChangedCount',
    '$.contextUsagePercent', '$.isArchived', '$.isDraft', '$.workspaceIdentifier.uri.fsPath') AS facts,
  CASE json_type(v, '$.fullConversationHeadersOnly') WHEN 'array' THEN json_array_length(v, '$.fullConversationHeadersOnly') ELSE 0 END
    + CASE json_type(v, '$.conversation') WHEN 'array' THEN json_array_length(v, '$.conversation') ELSE 0 END AS messages,
  ${countByType('$.fullConversationHeadersOnly', 1)} + ${countByType('$.conversation', 1)} AS user_messages,
  ${countByType('$.fullConversationHeadersOnly', 2)} + ${countByType('$.conversation', 2)} AS assistant_messages,
  ${codeBlocksWith(undefined)} AS code_blocks,
  ${codeBlocksWith('accepted')} AS accepted_blocks,
  ${codeBlocksWith('rejected')} AS rejected_blocks,
  (SELECT count(*) FROM json_each(v, '$.usageData') u WHERE u.type = 'object') AS usage_entries,
  (SELECT total(CASE WHEN u.type = 'object' THEN json_extract(u.value, '$.costInCents') END) FROM json_each(v, '$.usageData') u) AS cost_cents,
  (SELECT total(CASE WHEN u.type = 'object' THEN json_extract(u.value, '$.amount') END) FROM json_each(v, '$.usageData') u) AS usage_requests,
  CASE json_type(v, '$.subComposerIds') WHEN 'array' THEN json_array_length(v, '$.subComposerIds') END AS sub_composers
FROM (SELECT key, ${JSON_VALUE} AS v FROM cursorDiskKV WHERE key >= ? AND key < ?)`;

const COMPOSER_LIST_SQL = `
SELECT json_extract(h.value, '$.composerId', '$.createdAt', '$.lastUpdatedAt', '$.unifiedMode', '$.forceMode',
    '$.totalLinesAdded', '$.totalLinesRemoved', '$.filesChangedCount', '$.contextUsagePercent', '$.isArchived',
    '$.isDraft', '$.numSubComposers', '$.workspaceIdentifier.uri.fsPath') AS facts
FROM (SELECT ${JSON_VALUE} AS v FROM ItemTable WHERE key = ?) t,
  json_each(t.v, CASE json_type(t.v) WHEN 'array' THEN '$' ELSE '$.allComposers' END) h
WHERE h.type = 'object'`;

const BUBBLES_SQL = `
SELECT json_extract(v, '$.type', '$.tokenCount.inputTokens', '$.tokenCount.outputTokens', '$.modelInfo.modelName',
    '$.timingInfo.clientStartTime', '$.timingInfo.clientEndTime', '$.createdAt', '$.toolFormerData.name',
    '$.isThought', '$.timingInfo.clientRpcSendTime') AS facts,
  json_type(v, '$.errorDetails') AS error_details,
  CASE json_type(v, '$.allThinkingBlocks') WHEN 'array' THEN json_array_length(v, '$.allThinkingBlocks') ELSE 0 END AS thinking_blocks
FROM (SELECT ${JSON_VALUE} AS v FROM cursorDiskKV WHERE key >= ? AND key < ?)`;

const GENERATIONS_SQL = `
SELECT json_extract(g.value, '$.unixMs', '$.generationUUID', '$.type') AS facts
FROM (SELECT ${JSON_VALUE} AS v FROM ItemTable WHERE key = ?) t,
  json_each(t.v, CASE json_type(t.v) WHEN 'array' THEN '$' ELSE '$.none' END) g
WHERE g.type = 'object'`;

const DAILY_STATS_SQL = `
SELECT key, json_extract(v, '$.date', '$.tabSuggestedLines', '$.tabAcceptedLines', '$.composerSuggestedLines',
    '$.composerAcceptedLines') AS facts
FROM (SELECT key, ${JSON_VALUE} AS v FROM ItemTable WHERE key >= ? AND key < ?)`;

export interface CursorTables {
  itemTable: boolean;
  diskKv: boolean;
}

export function tablesOf(db: ReadOnlyDatabase): CursorTables {
  const names = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('ItemTable', 'cursorDiskKV')").all() as Array<{ name: string }>).map((row) => row.name),
  );
  return { itemTable: names.has('ItemTable'), diskKv: names.has('cursorDiskKV') };
}

/** The facts a composerData row gives, with a fingerprint of them (unchanged fingerprint: bubbles need no re-read). */
export interface ComposerDataRow {
  composerId: string;
  facts: ComposerFacts;
  fingerprint: string;
}

interface ComposerDataSqlRow {
  id: string;
  facts: string | null;
  messages: number;
  user_messages: number;
  assistant_messages: number;
  code_blocks: number;
  accepted_blocks: number;
  rejected_blocks: number;
  usage_entries: number;
  cost_cents: number;
  usage_requests: number;
  sub_composers: number | null;
}

export function readComposerData(db: ReadOnlyDatabase, hash: Hasher): ComposerDataRow[] {
  const rows = db.prepare(COMPOSER_DATA_SQL).all(...prefixRange(ALLOWED_KEYS.composerData)) as ComposerDataSqlRow[];
  return rows.map((row) => {
    const [createdAt, lastUpdatedAt, status, mode, forceMode, isAgentic, model, added, removed, files, context, archived, draft, folder] = facts(row.facts);
    const composer: ComposerFacts = withoutUndefined({
      createdAt: epochMs(createdAt),
      lastUpdatedAt: epochMs(lastUpdatedAt),
      status: vocabulary(status, STATUSES),
      mode: modeOf(mode),
      forceMode: modeOf(forceMode),
      isAgentic: bool(isAgentic),
      isArchived: bool(archived),
      isDraft: bool(draft),
      model: safeModel(model),
      linesAdded: count(added),
      linesRemoved: count(removed),
      filesChanged: count(files),
      contextUsagePercent: percent(context),
      messages: count(row.messages),
      userMessages: count(row.user_messages),
      assistantMessages: count(row.assistant_messages),
      codeBlocks: row.code_blocks > 0 ? count(row.code_blocks) : undefined,
      acceptedBlocks: row.code_blocks > 0 ? count(row.accepted_blocks) : undefined,
      rejectedBlocks: row.code_blocks > 0 ? count(row.rejected_blocks) : undefined,
      costCents: row.usage_entries > 0 ? count(row.cost_cents) : undefined,
      usageRequests: row.usage_entries > 0 ? count(row.usage_requests) : undefined,
      subComposers: count(row.sub_composers),
      projectHash: typeof folder === 'string' && folder !== '' ? pathHash(folder, hash) : undefined,
    });
    return { composerId: row.id, facts: composer, fingerprint: JSON.stringify(composer) };
  });
}

/** Composer headers from an ItemTable list (workspace composer.composerData, global composer.composerHeaders). */
export function readComposerLists(db: ReadOnlyDatabase, hash: Hasher): Array<{ composerId: string; facts: ComposerFacts }> {
  const statement = db.prepare(COMPOSER_LIST_SQL);
  const found: Array<{ composerId: string; facts: ComposerFacts }> = [];
  for (const key of ALLOWED_KEYS.composerLists) {
    for (const row of statement.all(key) as Array<{ facts: string | null }>) {
      const [composerId, createdAt, lastUpdatedAt, mode, forceMode, added, removed, files, context, archived, draft, subComposers, folder] = facts(row.facts);
      if (typeof composerId !== 'string' || composerId === '') continue;
      found.push({
        composerId,
        facts: withoutUndefined({
          createdAt: epochMs(createdAt),
          lastUpdatedAt: epochMs(lastUpdatedAt),
          mode: modeOf(mode),
          forceMode: modeOf(forceMode),
          linesAdded: count(added),
          linesRemoved: count(removed),
          filesChanged: count(files),
          contextUsagePercent: percent(context),
          isArchived: bool(archived),
          isDraft: bool(draft),
          subComposers: count(subComposers),
          projectHash: typeof folder === 'string' && folder !== '' ? pathHash(folder, hash) : undefined,
        }),
      });
    }
  }
  return found;
}

export function readBubbles(db: ReadOnlyDatabase, composerId: string): BubbleAggregate {
  const rows = db.prepare(BUBBLES_SQL).all(...prefixRange(`${ALLOWED_KEYS.bubble}${composerId}:`)) as Array<{ facts: string | null; error_details: string | null; thinking_blocks: number }>;
  const tools = new Set<string>();
  const models = new Set<string>();
  const aggregate: BubbleAggregate = { bubbles: 0, userBubbles: 0, assistantBubbles: 0, toolCalls: 0, tools: [], thinkingBubbles: 0, errorBubbles: 0, inputTokens: 0, outputTokens: 0, models: [] };
  for (const row of rows) {
    const [type, inputTokens, outputTokens, model, startedAt, endedAt, createdAt, toolName, isThought, sentAt] = facts(row.facts);
    aggregate.bubbles++;
    if (type === 1) aggregate.userBubbles++;
    if (type === 2) aggregate.assistantBubbles++;
    aggregate.inputTokens += count(inputTokens) ?? 0;
    aggregate.outputTokens += count(outputTokens) ?? 0;
    const modelName = safeModel(model);
    if (modelName) models.add(modelName);
    const tool = safeToolName(toolName);
    if (tool) {
      aggregate.toolCalls++;
      tools.add(tool);
    }
    if (isThought === true || row.thinking_blocks > 0) aggregate.thinkingBubbles++;
    if (row.error_details === 'object') aggregate.errorBubbles++;
    // Relative clocks (chatrxiv's clientStartTime 4745281.3) fail epochMs and are ignored.
    for (const at of [epochMs(createdAt), epochMs(startedAt), epochMs(sentAt), epochMs(endedAt)]) {
      if (at === undefined) continue;
      if (aggregate.firstAt === undefined || at < aggregate.firstAt) aggregate.firstAt = at;
      if (aggregate.lastAt === undefined || at > aggregate.lastAt) aggregate.lastAt = at;
    }
  }
  aggregate.tools = [...tools].sort();
  aggregate.models = [...models].sort();
  return aggregate;
}

export function readGenerations(db: ReadOnlyDatabase): GenerationFacts[] {
  const found: GenerationFacts[] = [];
  for (const row of db.prepare(GENERATIONS_SQL).all(ALLOWED_KEYS.generations) as Array<{ facts: string | null }>) {
    const [unixMs, generationId, kind] = facts(row.facts);
    const at = epochMs(unixMs);
    if (typeof generationId !== 'string' || generationId === '' || at === undefined) continue;
    found.push(withoutUndefined({ generationId, unixMs: at, kind: vocabulary(kind, GENERATION_KINDS) }));
  }
  return found;
}

const DATE = /(\d{4}-\d{2}-\d{2})$/;

export function readDailyStats(db: ReadOnlyDatabase): DailyStatsFacts[] {
  const found: DailyStatsFacts[] = [];
  for (const row of db.prepare(DAILY_STATS_SQL).all(...prefixRange(ALLOWED_KEYS.dailyStats)) as Array<{ key: string; facts: string | null }>) {
    const [date, tabSuggested, tabAccepted, composerSuggested, composerAccepted] = facts(row.facts);
    const day = (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined) ?? DATE.exec(row.key)?.[1];
    if (!day) continue;
    found.push(
      withoutUndefined({
        date: day,
        tabSuggestedLines: count(tabSuggested),
        tabAcceptedLines: count(tabAccepted),
        composerSuggestedLines: count(composerSuggested),
        composerAcceptedLines: count(composerAccepted),
      }),
    );
  }
  return found;
}
