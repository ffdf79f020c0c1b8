// The normalization table: every Claude Code hook event (all 31 documented, reference/claude-code.md §2.2)
// and every Cursor hook event (reference/cursor.md §3) mapped to our event_type. A name not in the table
// is a newer IDE's event: it is kept as "other" with its hook name, never dropped.
import type { EventType, Platform } from '../event/envelope.ts';

export const CLAUDE_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  SessionStart: 'session_start',
  Setup: 'setup',
  InstructionsLoaded: 'instructions_loaded',
  UserPromptSubmit: 'user_prompt',
  UserPromptExpansion: 'prompt_expansion',
  MessageDisplay: 'message_display',
  PreToolUse: 'tool_start',
  PermissionRequest: 'permission_request',
  PermissionDenied: 'permission_denied',
  PostToolUse: 'tool_use',
  PostToolUseFailure: 'tool_failure',
  PostToolBatch: 'tool_batch',
  Notification: 'notification',
  SubagentStart: 'subagent_start',
  SubagentStop: 'subagent_stop',
  TaskCreated: 'task_created',
  TaskCompleted: 'task_completed',
  Stop: 'turn_end',
  StopFailure: 'turn_error',
  TeammateIdle: 'teammate_idle',
  ConfigChange: 'config_change',
  CwdChanged: 'cwd_change',
  DirectoryAdded: 'directory_added',
  FileChanged: 'file_change',
  WorktreeCreate: 'worktree_create',
  WorktreeRemove: 'worktree_remove',
  PreCompact: 'compaction_start',
  PostCompact: 'compaction_end',
  SessionEnd: 'session_end',
  Elicitation: 'elicitation',
  ElicitationResult: 'elicitation_result',
};

export const CURSOR_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  sessionStart: 'session_start',
  sessionEnd: 'session_end',
  beforeSubmitPrompt: 'user_prompt',
  preToolUse: 'tool_start',
  postToolUse: 'tool_use',
  postToolUseFailure: 'tool_failure',
  subagentStart: 'subagent_start',
  subagentStop: 'subagent_stop',
  beforeShellExecution: 'shell_start',
  afterShellExecution: 'shell_execution',
  beforeMCPExecution: 'mcp_start',
  afterMCPExecution: 'mcp_execution',
  beforeReadFile: 'file_read',
  afterFileEdit: 'file_edit',
  preCompact: 'compaction_start',
  stop: 'turn_end',
  afterAgentResponse: 'assistant_response',
  afterAgentThought: 'assistant_thought',
  beforeTabFileRead: 'tab_file_read',
  afterTabFileEdit: 'tab_file_edit',
  workspaceOpen: 'workspace_open',
};

const TABLES: Record<Platform, Readonly<Record<string, EventType>>> = {
  claude_code: CLAUDE_EVENT_TYPES,
  cursor: CURSOR_EVENT_TYPES,
};

const HOOK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A hook name as we may store it: the IDE's own name when it looks like one, else "unknown". */
export function safeHookName(name: unknown): string {
  return typeof name === 'string' && HOOK_NAME_PATTERN.test(name) ? name : 'unknown';
}

export function eventTypeFor(platform: Platform, hookName: string): EventType {
  return Object.hasOwn(TABLES[platform], hookName) ? TABLES[platform][hookName]! : 'other';
}

/**
 * Claude Code payloads from before v1.0.41 carry no hook_event_name (reference/claude-code.md §2.3);
 * their shape tells the event apart.
 */
export function inferClaudeHookName(raw: Record<string, unknown>): string | undefined {
  if ('tool_name' in raw) return 'tool_response' in raw ? 'PostToolUse' : 'PreToolUse';
  if ('stop_hook_active' in raw) return 'Stop';
  if ('prompt' in raw) return 'UserPromptSubmit';
  if ('message' in raw) return 'Notification';
  return undefined;
}
