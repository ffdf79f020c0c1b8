// What a tool call may tell about itself, for both IDEs: the tool's name, the file's extension and
// keyed hash, lines added and removed (the edit text is compared, then dropped), the program name
// and hash of a shell command, and sizes. Everything else in tool_input and tool_response is dropped.
import type { EventPayload } from '../event/envelope.ts';
import { addChanges, countLineChanges, countPatchLines, splitLines, type LineChange } from './line-diff.ts';
import {
  asString,
  fileExtension,
  isRecord,
  knownOrHashed,
  pathHash,
  safeName,
  safeToolName,
  serializedSize,
  type Hasher,
} from './safe-values.ts';

/** Built-in subagent types of Claude Code and Cursor; user-defined ones are hashed. */
export const BUILT_IN_AGENT_TYPES = [
  'general-purpose',
  'generalPurpose',
  'Explore',
  'explore',
  'Plan',
  'plan',
  'shell',
  'statusline-setup',
  'output-style-setup',
  'claude-code-guide',
] as const;

const SHELL_TOOLS = new Set(['Bash', 'Shell', 'run_terminal_cmd', 'PowerShell']);
const AGENT_TOOLS = new Set(['Task', 'Agent']);
const FILE_PATH_KEYS = ['file_path', 'notebook_path', 'target_file', 'filePath'] as const;

/** Program name (first word, base name, after any VAR=value prefixes) and keyed hash of a command line. */
export function commandFields(command: string, hash: Hasher): Pick<EventPayload, 'command_name' | 'command_hash'> {
  const words = command.trim().split(/\s+/);
  let index = 0;
  while (index < words.length - 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[index]!)) index++;
  const program = (words[index] ?? '').replace(/^['"]+|['"]+$/g, '');
  const base = program.slice(program.lastIndexOf('/') + 1);
  return { command_name: safeName(base), command_hash: command.trim() ? hash(command.trim()) : undefined };
}

export function fileFields(path: unknown, hash: Hasher): Pick<EventPayload, 'file_extension' | 'file_hash'> {
  if (typeof path !== 'string' || path === '') return {};
  return { file_extension: fileExtension(path), file_hash: pathHash(path, hash) };
}

function lineFields(change: LineChange | undefined): Pick<EventPayload, 'lines_added' | 'lines_removed'> {
  return change ? { lines_added: change.added, lines_removed: change.removed } : {};
}

/** Lines an edit proposes, from the tool's input (old/new text of Edit, MultiEdit, Write, NotebookEdit). */
function proposedChange(input: Record<string, unknown>): LineChange | undefined {
  if (Array.isArray(input.edits)) {
    let total: LineChange = { added: 0, removed: 0 };
    for (const edit of input.edits) {
      if (!isRecord(edit)) continue;
      total = addChanges(total, countLineChanges(asString(edit.old_string) ?? '', asString(edit.new_string) ?? ''));
    }
    return total;
  }
  if (typeof input.old_string === 'string' || typeof input.new_string === 'string') {
    return countLineChanges(asString(input.old_string) ?? '', asString(input.new_string) ?? '');
  }
  if (typeof input.content === 'string') return { added: splitLines(input.content).length, removed: 0 };
  if (typeof input.new_source === 'string') {
    const added = splitLines(input.new_source).length;
    return input.edit_mode === 'delete' ? { added: 0, removed: added } : { added, removed: 0 };
  }
  return undefined;
}

export function toolInputFields(toolName: unknown, input: unknown, hash: Hasher): EventPayload {
  const tool = safeToolName(toolName);
  const fields: EventPayload = { tool };
  if (!isRecord(input)) {
    fields.input_chars = serializedSize(input);
    return fields;
  }
  fields.input_chars = serializedSize(input);
  const pathKey = FILE_PATH_KEYS.find((key) => typeof input[key] === 'string');
  if (pathKey) Object.assign(fields, fileFields(input[pathKey], hash));
  if (typeof toolName === 'string' && SHELL_TOOLS.has(toolName) && typeof input.command === 'string') {
    Object.assign(fields, commandFields(input.command, hash));
  }
  if (typeof toolName === 'string' && AGENT_TOOLS.has(toolName)) {
    fields.subagent_type = knownOrHashed(input.subagent_type, BUILT_IN_AGENT_TYPES, hash);
  }
  const change = proposedChange(input);
  if (change) {
    Object.assign(fields, lineFields(change));
    if (Array.isArray(input.edits)) fields.edit_count = input.edits.length;
  }
  return fields;
}

/**
 * What Claude Code's tool_response adds after the tool ran: the real diff (structuredPatch, which
 * beats counting from the input when replace_all or an overwrite is involved), whether a Write
 * created the file, success, and the output's size.
 */
export function claudeToolResponseFields(response: unknown): EventPayload {
  const fields: EventPayload = { output_chars: serializedSize(response) };
  if (!isRecord(response)) return { ...fields, success: true };
  const patch = Array.isArray(response.structuredPatch) ? countPatchLines(response.structuredPatch) : undefined;
  if (patch && (patch.added > 0 || patch.removed > 0 || response.type !== 'create')) Object.assign(fields, lineFields(patch));
  if (response.type === 'create') fields.is_new_file = true;
  else if (response.type === 'update') fields.is_new_file = false;
  fields.success = !(response.success === false || response.is_error === true || response.interrupted === true);
  return fields;
}
