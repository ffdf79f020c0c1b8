// Allow-list of Cursor hook payloads (reference/cursor.md §3–4): for each event, the fields that
// survive. Cursor's payloads carry user_email, whole prompts, file contents and command output:
// none of it passes. Token counts (undocumented, present on afterAgentResponse and stop) are kept.
import type { EventMetadata, EventPayload } from '../event/envelope.ts';
import { classifyError } from './error-class.ts';
import { addChanges, countLineChanges, type LineChange } from './line-diff.ts';
import { commandFields, fileFields, toolInputFields, BUILT_IN_AGENT_TYPES } from './tool-fields.ts';
import {
  asString,
  bool,
  count,
  isRecord,
  knownOrHashed,
  percent,
  safeId,
  safeModel,
  safeToolName,
  safeVersion,
  serializedSize,
  textStats,
  vocabulary,
  type Hasher,
} from './safe-values.ts';

const COMPOSER_MODES = ['agent', 'ask', 'edit', 'plan', 'manual', 'background'];
const SESSION_END_REASONS = ['completed', 'aborted', 'error', 'window_close', 'user_close'];
const STOP_STATUSES = ['completed', 'aborted', 'error'];
const FAILURE_TYPES = ['error', 'timeout', 'permission_denied'];

export function cursorMetadata(raw: Record<string, unknown>, hash: Hasher): Omit<EventMetadata, 'hook_version' | 'workspace_hash' | 'project_hash'> {
  return {
    model: safeModel(raw.model_id) ?? safeModel(raw.model),
    ide_version: safeVersion(raw.cursor_version),
    generation_id: safeId(raw.generation_id, hash),
    agent_id: safeId(raw.subagent_id, hash),
  };
}

function tokenFields(raw: Record<string, unknown>): EventPayload {
  return {
    input_tokens: count(raw.input_tokens),
    output_tokens: count(raw.output_tokens),
    cache_read_tokens: count(raw.cache_read_tokens),
    cache_write_tokens: count(raw.cache_write_tokens),
  };
}

function editFields(raw: Record<string, unknown>, hash: Hasher): EventPayload {
  const edits = Array.isArray(raw.edits) ? raw.edits : [];
  let change: LineChange = { added: 0, removed: 0 };
  for (const edit of edits) {
    if (isRecord(edit)) change = addChanges(change, countLineChanges(asString(edit.old_string) ?? '', asString(edit.new_string) ?? ''));
  }
  return { ...fileFields(raw.file_path, hash), edit_count: edits.length, lines_added: change.added, lines_removed: change.removed };
}

/** Cursor's Shell tool reports `{"output": …, "exitCode": n}` as a JSON string; only the exit code is read. */
function shellExitCode(toolOutput: unknown): number | undefined {
  if (typeof toolOutput !== 'string' || !toolOutput.startsWith('{') || toolOutput.length > 4 * 1024 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(toolOutput);
    return isRecord(parsed) ? count(parsed.exitCode) : undefined;
  } catch {
    return undefined;
  }
}

function durationOf(raw: Record<string, unknown>): number | undefined {
  return count(raw.duration) ?? count(raw.duration_ms);
}

function toolCallFields(raw: Record<string, unknown>, hash: Hasher): EventPayload {
  return { ...toolInputFields(raw.tool_name, raw.tool_input, hash), tool_use_id: safeId(raw.tool_use_id, hash) };
}

export function cursorPayload(hookName: string, raw: Record<string, unknown>, hash: Hasher): EventPayload {
  switch (hookName) {
    case 'sessionStart':
      return { mode: vocabulary(raw.composer_mode, COMPOSER_MODES), is_background_agent: bool(raw.is_background_agent) };
    case 'sessionEnd':
      return {
        reason: vocabulary(raw.reason, SESSION_END_REASONS),
        status: vocabulary(raw.final_status, STOP_STATUSES),
        duration_ms: count(raw.duration_ms),
        is_background_agent: bool(raw.is_background_agent),
      };
    case 'beforeSubmitPrompt': {
      const attachments = Array.isArray(raw.attachments) ? raw.attachments.filter(isRecord) : [];
      return {
        ...textStats(raw.prompt, 'prompt'),
        prompt_hash: typeof raw.prompt === 'string' ? hash(raw.prompt) : undefined,
        mode: vocabulary(raw.composer_mode, COMPOSER_MODES),
        attachment_files: attachments.filter((attachment) => attachment.type === 'file').length,
        attachment_rules: attachments.filter((attachment) => attachment.type === 'rule').length,
      };
    }
    case 'preToolUse':
      return toolCallFields(raw, hash);
    case 'postToolUse':
      return {
        ...toolCallFields(raw, hash),
        success: true,
        duration_ms: durationOf(raw),
        output_chars: serializedSize(raw.tool_output),
        exit_code: shellExitCode(raw.tool_output),
      };
    case 'postToolUseFailure': {
      const failureType = vocabulary(raw.failure_type, FAILURE_TYPES);
      const errorClass =
        failureType === 'timeout' ? 'timeout' : failureType === 'permission_denied' ? 'permission' : classifyError(asString(raw.error_message), raw.is_interrupt === true);
      return {
        ...toolCallFields(raw, hash),
        success: false,
        kind: failureType,
        error_class: errorClass,
        is_interrupt: bool(raw.is_interrupt),
        duration_ms: durationOf(raw),
      };
    }
    case 'subagentStart':
      return {
        subagent_type: knownOrHashed(raw.subagent_type, BUILT_IN_AGENT_TYPES, hash),
        is_parallel_worker: bool(raw.is_parallel_worker),
        tool_use_id: safeId(raw.tool_call_id, hash),
      };
    case 'subagentStop':
      return {
        subagent_type: knownOrHashed(raw.subagent_type, BUILT_IN_AGENT_TYPES, hash),
        status: vocabulary(raw.status),
        duration_ms: count(raw.duration_ms),
        message_count: count(raw.message_count),
        tool_use_count: count(raw.tool_call_count),
        loop_count: count(raw.loop_count),
        files_modified: Array.isArray(raw.modified_files) ? raw.modified_files.length : undefined,
        ...textStats(raw.summary, 'response'),
      };
    case 'beforeShellExecution':
      return { ...(typeof raw.command === 'string' ? commandFields(raw.command, hash) : {}), sandbox: bool(raw.sandbox) };
    case 'afterShellExecution':
      return {
        ...(typeof raw.command === 'string' ? commandFields(raw.command, hash) : {}),
        sandbox: bool(raw.sandbox),
        duration_ms: durationOf(raw),
        output_chars: serializedSize(raw.output),
      };
    case 'beforeMCPExecution':
      return { tool: safeToolName(raw.tool_name), input_chars: serializedSize(raw.tool_input) };
    case 'afterMCPExecution':
      return {
        tool: safeToolName(raw.tool_name),
        input_chars: serializedSize(raw.tool_input),
        output_chars: serializedSize(raw.result_json),
        duration_ms: durationOf(raw),
      };
    case 'beforeReadFile':
    case 'beforeTabFileRead':
      return { ...fileFields(raw.file_path, hash), input_chars: serializedSize(raw.content) };
    case 'afterFileEdit':
    case 'afterTabFileEdit':
      return editFields(raw, hash);
    case 'preCompact':
      return {
        trigger: vocabulary(raw.trigger, ['auto', 'manual']),
        context_usage_percent: percent(raw.context_usage_percent),
        context_tokens: count(raw.context_tokens),
        context_window_size: count(raw.context_window_size),
        message_count: count(raw.message_count),
        messages_to_compact: count(raw.messages_to_compact),
        is_first_compaction: bool(raw.is_first_compaction),
      };
    case 'stop':
      return { status: vocabulary(raw.status, STOP_STATUSES), loop_count: count(raw.loop_count), ...tokenFields(raw) };
    case 'afterAgentResponse':
      return { ...textStats(raw.text, 'response'), ...tokenFields(raw) };
    case 'afterAgentThought':
      return { ...textStats(raw.text, 'response'), duration_ms: count(raw.duration_ms) };
    default:
      // workspaceOpen and unknown future events.
      return {};
  }
}
