// The hook events a Claude Code session would have produced, rebuilt from its transcript lines, for
// sessions whose hooks never fired (installed later, or not at all). Each fact of a line becomes the
// stdin payload the hook would have read (session_id, cwd, permission_mode, agent_id, the tool's
// name, input, id and response, the prompt) and goes through the hooks' own buildEvent, so
// sanitizing, hashes, vocabularies, hook_type and key order are exactly a hook's; no text of the
// lines survives. Only the event id differs: derived from the line's uuid or the tool_use id (a
// version 8 UUID where a hook makes a version 7), so reading the transcript again yields the same
// events and SQLite stores each once.
import { buildEvent } from '../capture/build-event.ts';
import { asString, createHasher, isRecord, safeId } from '../capture/safe-values.ts';
import type { TelemetryEvent } from '../event/envelope.ts';
import { stableEventId } from './stable-event-id.ts';
import { isoTimestamp } from './transcript-line.ts';

const NAMESPACE = 'blueplane/transcript_backfill/v1';

/**
 * User lines that hold text but are not something the user typed: slash-command records, local
 * command output, `!` shell mode, and the markers Claude Code writes when the user interrupts.
 */
const NOT_A_PROMPT = /^\s*(?:<command-name>|<command-message>|<command-args>|<local-command-|<bash-input>|<bash-stdout>|<bash-stderr>|<user-prompt-submit-hook>|\[Request interrupted by user)/;

/** Stop reasons after which the assistant waits for the user (Stop hook); "tool_use" and "pause_turn" go on. */
const TURN_END_REASONS = new Set(['end_turn', 'stop_sequence', 'max_tokens', 'refusal']);

type Line = Record<string, unknown>;

interface ToolUse {
  name: unknown;
  input: unknown;
}

function messageOf(line: Line): Line {
  return isRecord(line.message) ? line.message : {};
}

function contentBlocks(line: Line): Line[] {
  const content = messageOf(line).content;
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

/** Subagent (and compaction agent) lines: their tool calls are the session's, their prompts and turns are not. */
function isSidechain(line: Line): boolean {
  return line.isSidechain === true || line.agentId !== undefined;
}

/** The text of a prompt the user typed, or undefined for tool results, meta, command and compact-summary lines. */
function promptText(line: Line): string | undefined {
  if (line.type !== 'user' || isSidechain(line) || line.isMeta === true || line.isCompactSummary === true || line.isVisibleInTranscriptOnly === true) return undefined;
  const content = messageOf(line).content;
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

/** What a failed tool said (the tool_result's content), as the hook's PostToolUseFailure `error` does. */
function resultText(block: Line): string | undefined {
  if (typeof block.content === 'string') return block.content;
  if (!Array.isArray(block.content)) return undefined;
  return block.content.filter(isRecord).map((part) => asString(part.text) ?? '').join('\n');
}

/**
 * The hooks' events for one session, from its transcript lines (parsed JSON, main file then its
 * subagent files, each in file order). Lines of other sessions and lines without a valid timestamp
 * are ignored. `sessionId` is the session id as stored (safeId of the lines' sessionId); `secret`
 * is the install secret the hooks key their hashes with.
 */
export function transcriptBackfillEvents(sessionId: string, lines: readonly unknown[], secret: Buffer): TelemetryEvent[] {
  const hash = createHasher(secret);
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
  /** The event the hook `hookName` would have stored for this line, with `fields` as its event-specific stdin. */
  const emit = (line: Line, hookName: string, key: string, fields: Record<string, unknown> = {}): void => {
    const eventId = stableEventId(NAMESPACE, `${sessionId}:${key}`);
    const timestamp = isoTimestamp(line.timestamp)!;
    const known = events.get(eventId);
    // Several lines of one API response carry its stop_reason: its turn ends with the last of them.
    if (known) {
      if (timestamp > known.timestamp) known.timestamp = timestamp;
      return;
    }
    const stdin = { session_id: line.sessionId, cwd: line.cwd, permission_mode: line.permissionMode, agent_id: line.agentId, hook_event_name: hookName, ...fields };
    // No CLAUDE_PROJECT_DIR: like the token_usage events, the project is the line's cwd.
    const event = buildEvent(stdin, { platform: 'claude_code', env: {}, secret, now: Date.parse(timestamp) });
    event.event_id = eventId;
    events.set(eventId, event);
  };
  const lineKey = (line: Line, index: number): string => asString(line.uuid) ?? `line:${index}`;
  const main = own.filter((line) => !isSidechain(line));
  const earliest = (candidates: readonly Line[]) =>
    candidates.reduce<Line | undefined>((first, line) => (!first || isoTimestamp(line.timestamp)! < isoTimestamp(first.timestamp)! ? line : first), undefined);
  const first = earliest(main) ?? earliest(own);
  // SessionStart is the one hook that may name the model: the first main-chain response's.
  const model = main.find((line) => line.type === 'assistant' && typeof messageOf(line).model === 'string');
  if (first) emit(first, 'SessionStart', 'session_start', { model: model ? messageOf(model).model : undefined });
  let turnEnded = false;
  own.forEach((line, index) => {
    const prompt = promptText(line);
    if (prompt !== undefined) {
      turnEnded = false;
      emit(line, 'UserPromptSubmit', `prompt:${lineKey(line, index)}`, { prompt });
      return;
    }
    if (line.type === 'assistant') {
      for (const block of contentBlocks(line)) {
        const id = asString(block.id);
        if (block.type !== 'tool_use' || id === undefined) continue;
        emit(line, 'PreToolUse', `tool_start:${id}`, { tool_name: block.name, tool_input: block.input, tool_use_id: id });
      }
      const message = messageOf(line);
      const stopReason = asString(message.stop_reason);
      if (!isSidechain(line) && stopReason !== undefined && TURN_END_REASONS.has(stopReason)) {
        turnEnded = true;
        emit(line, 'Stop', `turn_end:${asString(message.id) ?? lineKey(line, index)}`, { stop_hook_active: false });
      }
      return;
    }
    if (line.type === 'user') {
      const results = contentBlocks(line).filter((block) => block.type === 'tool_result' && asString(block.tool_use_id) !== undefined);
      // toolUseResult is the structured output of the line's one result; with several it is nobody's.
      const response = results.length === 1 ? line.toolUseResult : undefined;
      const interrupted = isRecord(response) && response.interrupted === true;
      for (const block of results) {
        const id = block.tool_use_id as string;
        const call = toolUses.get(id);
        const tool = { tool_name: call?.name, tool_input: call?.input, tool_use_id: id };
        if (block.is_error === true || interrupted) {
          emit(line, 'PostToolUseFailure', `tool_result:${id}`, { ...tool, error: resultText(block), is_interrupt: interrupted || undefined });
        } else {
          emit(line, 'PostToolUse', `tool_result:${id}`, { ...tool, tool_response: response });
        }
      }
      return;
    }
    if (line.type === 'system' && !isSidechain(line)) {
      // Before Claude Code 2.1.97 every stop_reason is null; the turn's duration record marks its end instead.
      if (line.subtype === 'turn_duration' && !turnEnded) {
        turnEnded = true;
        emit(line, 'Stop', `turn_end:${lineKey(line, index)}`, { stop_hook_active: false });
      } else if (line.subtype === 'compact_boundary') {
        const compact = isRecord(line.compactMetadata) ? line.compactMetadata : {};
        emit(line, 'PreCompact', `compaction:${lineKey(line, index)}`, { trigger: compact.trigger });
      }
    }
  });
  return [...events.values()];
}
