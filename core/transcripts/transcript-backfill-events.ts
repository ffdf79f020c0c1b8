// The hook events a Claude Code session would have produced, rebuilt from its transcript lines, for
// sessions whose hooks never fired (installed later, or not at all). Each line goes through the
// hooks' own sanitizer (claudePayload, claudeMetadata) as the hook payload it stands for, so counts,
// line diffs, hashes and vocabularies are exactly the hooks'; no text of the lines survives. Event
// ids are derived from the line's uuid or the tool_use id, so reading the transcript again yields
// the same events and SQLite stores each once.
import { claudeMetadata, claudePayload } from '../capture/claude-payload.ts';
import { asString, isRecord, pathHash, safeId, safeVersion, type Hasher } from '../capture/safe-values.ts';
import type { EventMetadata, EventPayload, EventType, TelemetryEvent } from '../event/envelope.ts';
import { ENVELOPE_VERSION } from '../event/envelope.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { stableEventId } from './stable-event-id.ts';
import { TRANSCRIPT_HOOK_TYPE, withoutUndefined } from './token-usage-event.ts';
import { isoTimestamp } from './transcript-line.ts';

const NAMESPACE = 'blueplane/transcript_backfill/v1';

/**
 * User lines that hold text but are not something the user typed: slash-command records, local
 * command output, `!` shell mode, and the markers Claude Code writes when the user interrupts.
 */
const NOT_A_PROMPT = /^\s*(?:<command-name>|<command-message>|<command-args>|<local-command-|<bash-input>|<bash-stdout>|<bash-stderr>|<user-prompt-submit-hook>|\[Request interrupted by user)/;

/** Stop reasons after which the assistant waits for the user (Stop hook); "tool_use" and "pause_turn" go on. */
const TURN_END_REASONS = new Set(['end_turn', 'stop_sequence', 'max_tokens', 'refusal']);

interface ToolUse {
  name: unknown;
  input: unknown;
}

type Line = Record<string, unknown>;

function contentBlocks(line: Line): Line[] {
  const message = isRecord(line.message) ? line.message : undefined;
  return Array.isArray(message?.content) ? message.content.filter(isRecord) : [];
}

/** Subagent (and compaction agent) lines: their tool calls are the session's, their prompts and turns are not. */
function isSidechain(line: Line): boolean {
  return line.isSidechain === true || line.agentId !== undefined;
}

/** The text of a prompt the user typed, or undefined for tool results, meta, command and compact-summary lines. */
function promptText(line: Line): string | undefined {
  if (line.type !== 'user' || isSidechain(line) || line.isMeta === true || line.isCompactSummary === true || line.isVisibleInTranscriptOnly === true) return undefined;
  const content = isRecord(line.message) ? line.message.content : undefined;
  let text: string | undefined;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    const blocks = content.filter(isRecord);
    if (blocks.some((block) => block.type === 'tool_result')) return undefined;
    // A prompt with an image is a text block next to an image block; the hook's prompt is the text.
    const texts = blocks.filter((block) => block.type === 'text').map((block) => asString(block.text) ?? '');
    text = texts.length > 0 ? texts.join('\n') : undefined;
  }
  return text !== undefined && text.trim() !== '' && !NOT_A_PROMPT.test(text) ? text : undefined;
}

/** What a failed tool said (the tool_result's content), as the hook's PostToolUseFailure `error` would. */
function resultText(block: Line): string | undefined {
  if (typeof block.content === 'string') return block.content;
  if (!Array.isArray(block.content)) return undefined;
  return block.content.filter(isRecord).map((part) => asString(part.text) ?? '').join('\n');
}

/**
 * The hooks' events for one session, from its transcript lines (parsed JSON, main file then its
 * subagent files, each in file order). Lines of other sessions and lines without a valid timestamp
 * are ignored. `hash` is the install's keyed hash (createHasher(secret)).
 */
export function transcriptBackfillEvents(sessionId: string, lines: readonly unknown[], hash: Hasher): TelemetryEvent[] {
  const own = lines.filter((line): line is Line => isRecord(line) && safeId(line.sessionId, hash) === sessionId && isoTimestamp(line.timestamp) !== undefined);
  // Results name their call only by id: collect every call first (a subagent's may come later in the list).
  const toolUses = new Map<string, ToolUse>();
  for (const line of own) {
    if (line.type !== 'assistant') continue;
    for (const block of contentBlocks(line)) {
      const id = asString(block.id);
      if (block.type === 'tool_use' && id !== undefined && !toolUses.has(id)) toolUses.set(id, { name: block.name, input: block.input });
    }
  }
  const events = new Map<string, TelemetryEvent>();
  const emit = (line: Line, eventType: EventType, key: string, payload: EventPayload, raw: Line = {}): void => {
    const eventId = stableEventId(NAMESPACE, `${sessionId}:${key}`);
    const timestamp = isoTimestamp(line.timestamp)!;
    const known = events.get(eventId);
    // Several lines of one API response carry its stop_reason: its turn ends with the last of them.
    if (known) {
      if (timestamp > known.timestamp) known.timestamp = timestamp;
      return;
    }
    const cwd = asString(line.cwd);
    const place = cwd ? pathHash(cwd, hash) : undefined;
    const metadata: EventMetadata = withoutUndefined({
      ...claudeMetadata({ ...raw, agent_id: line.agentId, permission_mode: line.permissionMode }, hash),
      // As token-usage-event.ts: the transcript names only the working directory.
      workspace_hash: place,
      project_hash: place,
      ide_version: safeVersion(line.version),
      hook_version: PRODUCT_VERSION,
    });
    events.set(eventId, {
      v: ENVELOPE_VERSION,
      event_id: eventId,
      timestamp,
      platform: 'claude_code',
      session_id: sessionId,
      event_type: eventType,
      hook_type: TRANSCRIPT_HOOK_TYPE,
      metadata,
      payload: withoutUndefined(payload),
    });
  };
  const lineKey = (line: Line, index: number): string => asString(line.uuid) ?? `line:${index}`;
  const first = own.reduce<Line | undefined>((earliest, line) => (!earliest || isoTimestamp(line.timestamp)! < isoTimestamp(earliest.timestamp)! ? line : earliest), undefined);
  if (first) emit(first, 'session_start', 'session_start', claudePayload('SessionStart', {}, hash));
  let turnEnded = false;
  own.forEach((line, index) => {
    const prompt = promptText(line);
    if (prompt !== undefined) {
      turnEnded = false;
      emit(line, 'user_prompt', `prompt:${lineKey(line, index)}`, claudePayload('UserPromptSubmit', { prompt }, hash));
      return;
    }
    if (line.type === 'assistant') {
      const message = isRecord(line.message) ? line.message : {};
      const model = { model: message.model };
      for (const block of contentBlocks(line)) {
        if (block.type !== 'tool_use' || asString(block.id) === undefined) continue;
        emit(line, 'tool_start', `tool_start:${block.id as string}`, claudePayload('PreToolUse', { tool_name: block.name, tool_input: block.input, tool_use_id: block.id }, hash), model);
      }
      const stopReason = asString(message.stop_reason);
      if (!isSidechain(line) && stopReason !== undefined && TURN_END_REASONS.has(stopReason)) {
        turnEnded = true;
        emit(line, 'turn_end', `turn_end:${asString(message.id) ?? lineKey(line, index)}`, claudePayload('Stop', {}, hash), model);
      }
      return;
    }
    if (line.type === 'user') {
      const results = contentBlocks(line).filter((block) => block.type === 'tool_result' && asString(block.tool_use_id) !== undefined);
      // toolUseResult is the structured output of the line's one result; with several it is nobody's.
      const response = results.length === 1 ? line.toolUseResult : undefined;
      for (const block of results) {
        const id = block.tool_use_id as string;
        const call = toolUses.get(id);
        const raw = { tool_name: call?.name, tool_input: call?.input, tool_use_id: id };
        const interrupted = isRecord(response) && response.interrupted === true;
        if (block.is_error === true || interrupted) {
          emit(line, 'tool_failure', `tool_result:${id}`, claudePayload('PostToolUseFailure', { ...raw, error: resultText(block), is_interrupt: interrupted || undefined }, hash));
        } else {
          emit(line, 'tool_use', `tool_result:${id}`, claudePayload('PostToolUse', { ...raw, tool_response: response }, hash));
        }
      }
      return;
    }
    if (line.type === 'system' && !isSidechain(line)) {
      // Before Claude Code 2.1.97 every stop_reason is null; the turn's duration record marks its end instead.
      if (line.subtype === 'turn_duration' && !turnEnded) {
        turnEnded = true;
        emit(line, 'turn_end', `turn_end:${lineKey(line, index)}`, claudePayload('Stop', {}, hash));
      } else if (line.subtype === 'compact_boundary') {
        const compact = isRecord(line.compactMetadata) ? line.compactMetadata : {};
        emit(line, 'compaction_start', `compaction:${lineKey(line, index)}`, claudePayload('PreCompact', { trigger: compact.trigger }, hash));
      }
    }
  });
  return [...events.values()];
}
