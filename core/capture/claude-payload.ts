// Allow-list of Claude Code hook payloads (reference/claude-code.md §2): for each event, the
// fields that survive, turned into counts, vocabularies, ids and hashes. Anything unlisted is dropped.
import type { EventMetadata, EventPayload } from '../event/envelope.ts';
import { classifyError, exitCodeFrom } from './error-class.ts';
import { claudeToolResponseFields, fileFields, toolInputFields, BUILT_IN_AGENT_TYPES } from './tool-fields.ts';
import {
  asString,
  bool,
  count,
  isRecord,
  knownOrHashed,
  safeId,
  safeModel,
  safeName,
  safeToolName,
  serializedSize,
  textStats,
  vocabulary,
  type Hasher,
} from './safe-values.ts';

const SESSION_SOURCES = ['startup', 'resume', 'clear', 'compact', 'fork'];
const SESSION_END_REASONS = ['clear', 'resume', 'logout', 'prompt_input_exit', 'other', 'bypass_permissions_disabled'];
const STOP_FAILURE_ERRORS = [
  'rate_limit',
  'overloaded',
  'authentication_failed',
  'oauth_org_not_allowed',
  'billing_error',
  'invalid_request',
  'model_not_found',
  'server_error',
  'max_output_tokens',
  'unknown',
];
const PERMISSION_MODES = ['default', 'plan', 'acceptEdits', 'auto', 'dontAsk', 'bypassPermissions'];
const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'];
const COMPACT_TRIGGERS = ['manual', 'auto'];
const FILE_EVENTS = ['change', 'add', 'unlink'];
const ELICITATION_ACTIONS = ['accept', 'decline', 'cancel'];

export function claudeMetadata(raw: Record<string, unknown>, hash: Hasher): Omit<EventMetadata, 'hook_version' | 'workspace_hash' | 'project_hash'> {
  return {
    model: safeModel(raw.model),
    agent_id: safeId(raw.agent_id, hash),
    agent_type: knownOrHashed(raw.agent_type, BUILT_IN_AGENT_TYPES, hash),
    permission_mode: vocabulary(raw.permission_mode, PERMISSION_MODES),
    prompt_id: safeId(raw.prompt_id, hash),
    effort: isRecord(raw.effort) ? vocabulary(raw.effort.level, EFFORT_LEVELS) : undefined,
  };
}

function toolCallFields(raw: Record<string, unknown>, hash: Hasher): EventPayload {
  return { ...toolInputFields(raw.tool_name, raw.tool_input, hash), tool_use_id: safeId(raw.tool_use_id, hash) };
}

/** The Agent (Task) tool reports its subagent's model, tokens and tool count in tool_response. */
function agentResultFields(response: unknown): EventPayload {
  if (!isRecord(response)) return {};
  return {
    total_tokens: count(response.totalTokens),
    tool_use_count: count(response.totalToolUseCount),
    status: vocabulary(response.status),
  };
}

export function claudePayload(hookName: string, raw: Record<string, unknown>, hash: Hasher): EventPayload {
  switch (hookName) {
    case 'SessionStart':
      return { source: vocabulary(raw.source, SESSION_SOURCES) };
    case 'Setup':
      return { trigger: vocabulary(raw.trigger, ['init', 'maintenance']) };
    case 'InstructionsLoaded':
      return { ...fileFields(raw.file_path, hash), kind: vocabulary(asString(raw.memory_type)?.toLowerCase()), reason: vocabulary(raw.load_reason) };
    case 'UserPromptSubmit':
      return { ...textStats(raw.prompt, 'prompt'), prompt_hash: typeof raw.prompt === 'string' ? hash(raw.prompt) : undefined };
    case 'UserPromptExpansion':
      return {
        ...textStats(raw.prompt, 'prompt'),
        kind: vocabulary(raw.expansion_type),
        source: vocabulary(raw.command_source),
        command_name: safeName(raw.command_name),
      };
    case 'MessageDisplay':
      return { turn_id: safeId(raw.turn_id, hash), index: count(raw.index), final: bool(raw.final), ...textStats(raw.delta, 'response') };
    case 'PreToolUse':
      return toolCallFields(raw, hash);
    case 'PermissionRequest':
      return { ...toolCallFields(raw, hash), suggestion_count: Array.isArray(raw.permission_suggestions) ? raw.permission_suggestions.length : undefined };
    case 'PermissionDenied':
      return { ...toolCallFields(raw, hash), success: false, error_class: 'permission' };
    case 'PostToolUse':
      return {
        ...toolCallFields(raw, hash),
        ...claudeToolResponseFields(raw.tool_response),
        ...agentResultFields(raw.tool_response),
        duration_ms: count(raw.duration_ms) ?? (isRecord(raw.tool_response) ? count(raw.tool_response.totalDurationMs) : undefined),
      };
    case 'PostToolUseFailure': {
      const error = asString(raw.error);
      return {
        ...toolCallFields(raw, hash),
        success: false,
        is_interrupt: bool(raw.is_interrupt),
        error_class: classifyError(error, raw.is_interrupt === true),
        exit_code: exitCodeFrom(error),
        output_chars: serializedSize(raw.error),
        duration_ms: count(raw.duration_ms),
      };
    }
    case 'PostToolBatch': {
      const calls = Array.isArray(raw.tool_calls) ? raw.tool_calls : [];
      const tools = calls.map((call) => (isRecord(call) ? safeToolName(call.tool_name) : undefined)).filter((tool): tool is string => tool !== undefined);
      return { tool_count: calls.length, tools };
    }
    case 'Notification':
      return { kind: vocabulary(raw.notification_type) };
    case 'SubagentStart':
      return { subagent_type: knownOrHashed(raw.agent_type, BUILT_IN_AGENT_TYPES, hash) };
    case 'SubagentStop':
      return {
        subagent_type: knownOrHashed(raw.agent_type, BUILT_IN_AGENT_TYPES, hash),
        stop_hook_active: bool(raw.stop_hook_active),
        background_task_count: Array.isArray(raw.background_tasks) ? raw.background_tasks.length : undefined,
        ...textStats(raw.last_assistant_message, 'response'),
      };
    case 'TaskCreated':
    case 'TaskCompleted':
      return { task_id: safeId(raw.task_id, hash) };
    case 'Stop':
      return {
        stop_hook_active: bool(raw.stop_hook_active),
        background_task_count: Array.isArray(raw.background_tasks) ? raw.background_tasks.length : undefined,
        ...textStats(raw.last_assistant_message, 'response'),
      };
    case 'StopFailure':
      return { kind: vocabulary(raw.error, STOP_FAILURE_ERRORS), ...textStats(raw.last_assistant_message, 'response') };
    case 'ConfigChange':
      return { source: vocabulary(raw.source), ...fileFields(raw.file_path, hash) };
    case 'DirectoryAdded':
      return { source: vocabulary(raw.source) };
    case 'FileChanged':
      return { kind: vocabulary(raw.event, FILE_EVENTS), ...fileFields(raw.file_path, hash) };
    case 'PreCompact':
      return { trigger: vocabulary(raw.trigger, COMPACT_TRIGGERS), input_chars: serializedSize(raw.custom_instructions) };
    case 'PostCompact':
      return { trigger: vocabulary(raw.trigger, COMPACT_TRIGGERS), ...textStats(raw.compact_summary, 'response') };
    case 'SessionEnd':
      return { reason: vocabulary(raw.reason, SESSION_END_REASONS) };
    case 'Elicitation':
      return { mcp_server: safeName(raw.mcp_server_name), mode: vocabulary(raw.mode) };
    case 'ElicitationResult':
      return { mcp_server: safeName(raw.mcp_server_name), mode: vocabulary(raw.mode), action: vocabulary(raw.action, ELICITATION_ACTIONS) };
    default:
      // TeammateIdle, CwdChanged, WorktreeCreate, WorktreeRemove and unknown future events: the event itself is the signal.
      return {};
  }
}
