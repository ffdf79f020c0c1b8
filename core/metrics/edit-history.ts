// Edits that landed in the code, and what happened to each file afterwards: reverts, re-edits
// (iterations) and churn. Edit proposals and their acceptance are derived from tool calls here too.
//
// Applied edits:
// - Claude Code: a succeeded call of Edit, Write, MultiEdit or NotebookEdit. File, extension, lines
//   and is_new_file come from the PostToolUse payload (its structuredPatch is the real diff), else
//   from the PreToolUse payload.
// - Cursor: each afterFileEdit (file_edit). Cursor's postToolUse of its own edit tools is NOT an
//   applied edit: afterFileEdit reports the same change, and one of its tools is also called
//   "Write". Tab completions (tab_file_edit) are counted apart, in code impact.
//
// Proposal outcomes (Claude Code, a call with a PreToolUse of an edit tool):
//   succeeded → accepted; denied → rejected (permission_denied); interrupted with a
//   PostToolUseFailure → rejected (interrupt); interrupted without outcome → rejected (no_outcome,
//   decided at the next prompt, Stop or SessionEnd); failed (the tool errored: old_string not found,
//   file not read) → failed; pending → pending.
//
// Revert (REVERT_WINDOW_MS = 30 s): edit E is reverted by a later applied edit F when
//   - F is the next applied edit of the same file (same file_hash) and lands ≤ 30 s after E;
//   - E is unbalanced: E.added ≠ E.removed (for a balanced edit, such as one changed line, line
//     counts cannot tell a revert from the next small edit of the same file, which Claude makes all
//     the time: renaming at three places would look like two reverts);
//   - F.removed ≈ E.added and F.added ≈ E.removed, where x ≈ n ⇔ |x − n| ≤ floor(n / 10):
//     exact below 10 lines, within 10 % above (a reformat may move a line or two).
//   "Undone by the user's next prompt" (METRICS.md) and the user's own edits are not observable from
//   hooks: neither is counted.
//
// Re-edit / iteration (ITERATION_WINDOW_MS = 5 min): an applied edit of a file whose previous
// applied edit (same file_hash) landed ≤ 5 min earlier.
// Churn: an applied edit of a file already edited earlier in the session (any time); its lines
// (added + removed) are churned lines.
import type { Platform } from '../event/envelope.ts';
import type { TimedEvent } from './session-events.ts';
import type { ToolCall } from './tool-calls.ts';

export const CLAUDE_EDIT_TOOLS: ReadonlySet<string> = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
export const REVERT_WINDOW_MS = 30_000;
export const ITERATION_WINDOW_MS = 5 * 60_000;

export interface AppliedEdit {
  /** When the edit landed (PostToolUse or afterFileEdit time). */
  ms: number;
  order: number;
  fileHash?: string;
  /** Lower-cased extension (".ts"), "" when the file has none. */
  extension: string;
  added: number;
  removed: number;
  /** False when no line counts came with the edit (then it never takes part in a revert). */
  hasLines: boolean;
  isNewFile?: boolean;
  call?: ToolCall;
  reverted: boolean;
  reedit: boolean;
  churn: boolean;
}

export type ProposalOutcome = 'accepted' | 'rejected' | 'failed' | 'pending';
export type RejectionKind = 'interrupt' | 'permission_denied' | 'no_outcome';

export interface EditProposal {
  call: ToolCall;
  /** The PreToolUse time: a proposal counts in the window where it was made. */
  ms: number;
  outcome: ProposalOutcome;
  rejection?: RejectionKind;
  /** PreToolUse → outcome (for no_outcome: → the boundary that closed it). */
  delayMs?: number;
  edit?: AppliedEdit;
}

interface EditFields {
  file_hash?: string;
  file_extension?: string;
  lines_added?: number;
  lines_removed?: number;
  is_new_file?: boolean;
}

function fieldsOf(event: TimedEvent | undefined): EditFields {
  return (event?.event.payload ?? {}) as EditFields;
}

function appliedEdit(at: TimedEvent, primary: EditFields, fallback: EditFields, call?: ToolCall): AppliedEdit {
  const added = primary.lines_added ?? fallback.lines_added;
  const removed = primary.lines_removed ?? fallback.lines_removed;
  const edit: AppliedEdit = {
    ms: at.ms,
    order: at.order,
    extension: primary.file_extension ?? fallback.file_extension ?? '',
    added: added ?? 0,
    removed: removed ?? 0,
    hasLines: added !== undefined || removed !== undefined,
    reverted: false,
    reedit: false,
    churn: false,
  };
  const fileHash = primary.file_hash ?? fallback.file_hash;
  if (fileHash !== undefined) edit.fileHash = fileHash;
  const isNewFile = primary.is_new_file ?? fallback.is_new_file;
  if (isNewFile !== undefined) edit.isNewFile = isNewFile;
  if (call) edit.call = call;
  return edit;
}

export function appliedEdits(platform: Platform, events: readonly TimedEvent[], calls: readonly ToolCall[]): AppliedEdit[] {
  const edits: AppliedEdit[] = [];
  if (platform === 'claude_code') {
    for (const call of calls) {
      if (call.state === 'succeeded' && CLAUDE_EDIT_TOOLS.has(call.tool) && call.outcome) {
        edits.push(appliedEdit(call.outcome, fieldsOf(call.outcome), fieldsOf(call.start), call));
      }
    }
  } else {
    for (const timed of events) if (timed.event.event_type === 'file_edit') edits.push(appliedEdit(timed, fieldsOf(timed), {}));
  }
  edits.sort((a, b) => a.ms - b.ms || a.order - b.order);
  markFileHistory(edits);
  return edits;
}

/** x ≈ n: |x − n| ≤ floor(n / 10). */
export function approximately(x: number, n: number): boolean {
  return Math.abs(x - n) <= Math.floor(n / 10);
}

export function reverts(later: AppliedEdit, earlier: AppliedEdit): boolean {
  return (
    later.ms - earlier.ms <= REVERT_WINDOW_MS &&
    earlier.hasLines &&
    later.hasLines &&
    earlier.added !== earlier.removed &&
    approximately(later.removed, earlier.added) &&
    approximately(later.added, earlier.removed)
  );
}

function markFileHistory(edits: readonly AppliedEdit[]): void {
  const previousOfFile = new Map<string, AppliedEdit>();
  for (const edit of edits) {
    if (edit.fileHash === undefined) continue;
    const previous = previousOfFile.get(edit.fileHash);
    if (previous) {
      edit.churn = true;
      edit.reedit = edit.ms - previous.ms <= ITERATION_WINDOW_MS;
      if (!previous.reverted && reverts(edit, previous)) previous.reverted = true;
    }
    previousOfFile.set(edit.fileHash, edit);
  }
}

export function editProposals(platform: Platform, calls: readonly ToolCall[], edits: readonly AppliedEdit[]): EditProposal[] {
  if (platform !== 'claude_code') return [];
  const editOfCall = new Map<ToolCall, AppliedEdit>();
  for (const edit of edits) if (edit.call) editOfCall.set(edit.call, edit);
  const proposals: EditProposal[] = [];
  for (const call of calls) {
    if (!call.start || !CLAUDE_EDIT_TOOLS.has(call.tool)) continue;
    const proposal: EditProposal = { call, ms: call.start.ms, outcome: 'pending' };
    const decidedAt = call.outcome ?? call.boundary;
    if (decidedAt && call.state !== 'pending') proposal.delayMs = Math.max(0, decidedAt.ms - call.start.ms);
    switch (call.state) {
      case 'succeeded': {
        proposal.outcome = 'accepted';
        const edit = editOfCall.get(call);
        if (edit) proposal.edit = edit;
        break;
      }
      case 'denied':
        proposal.outcome = 'rejected';
        proposal.rejection = 'permission_denied';
        break;
      case 'interrupted':
        proposal.outcome = 'rejected';
        proposal.rejection = call.outcome ? 'interrupt' : 'no_outcome';
        break;
      case 'failed':
        proposal.outcome = 'failed';
        break;
      case 'pending':
        break;
    }
    proposals.push(proposal);
  }
  return proposals;
}
