// A session's code changes: one per edit proposal (Claude Code PreToolUse of Edit, Write, MultiEdit
// or NotebookEdit, with the outcome, delay and revert edit-history.ts gives it), and one per applied
// edit no proposal accounts for (Cursor afterFileEdit; a Claude PostToolUse whose PreToolUse never
// arrived). Each change has an anchor, the event that places it in a turn and dates it: the
// PreToolUse for a proposal (the turn in which the assistant proposed it, however late the user
// decided), the edit's own event otherwise. Fields come from the engine's AppliedEdit when the edit
// landed (the real diff of the PostToolUse), else from the PreToolUse payload (what was proposed).
import type { AppliedEdit, EditProposal } from '../metrics/edit-history.ts';
import type { TimedEvent } from '../metrics/session-events.ts';
import { changeId, turnId, type ChangeOperation, type CodeChangeRow } from './conversation-rows.ts';

export interface CodeChange {
  anchor: TimedEvent;
  proposal?: EditProposal;
  /** The edit that landed, if it did. */
  edit?: AppliedEdit;
}

/** The changes in session order (of their anchors). */
export function codeChanges(events: readonly TimedEvent[], proposals: readonly EditProposal[], edits: readonly AppliedEdit[]): CodeChange[] {
  const changes: CodeChange[] = [];
  const proposed = new Set<AppliedEdit>();
  for (const proposal of proposals) {
    // editProposals only makes proposals of calls with a PreToolUse.
    const change: CodeChange = { anchor: proposal.call.start!, proposal };
    if (proposal.edit) {
      change.edit = proposal.edit;
      proposed.add(proposal.edit);
    }
    changes.push(change);
  }
  // An edit's order is its event's index in the prepared session.
  for (const edit of edits) if (!proposed.has(edit)) changes.push({ anchor: events[edit.order]!, edit });
  return changes.sort((a, b) => a.anchor.order - b.anchor.order);
}

function operationOf(tool: string | null, isNewFile: boolean | undefined): ChangeOperation {
  if (isNewFile === true) return 'create';
  return tool === 'Write' ? 'write' : 'edit';
}

export function changeRow(change: CodeChange, conversationId: string, turnNumber: number): CodeChangeRow {
  const { anchor, proposal, edit } = change;
  const proposed = anchor.event.payload;
  const tool = proposal?.call.tool ?? edit?.call?.tool ?? null;
  const outcome = proposal?.outcome ?? 'applied';
  return {
    id: changeId(conversationId, anchor.event.event_id),
    conversation_id: conversationId,
    turn_id: turnId(conversationId, turnNumber),
    tool,
    file_extension: (edit ? edit.extension : proposed.file_extension) || null,
    file_hash: (edit ? edit.fileHash : proposed.file_hash) ?? null,
    operation: operationOf(tool, edit ? edit.isNewFile : proposed.is_new_file),
    lines_added: edit ? (edit.hasLines ? edit.added : null) : (proposed.lines_added ?? null),
    lines_removed: edit ? (edit.hasLines ? edit.removed : null) : (proposed.lines_removed ?? null),
    accepted: outcome === 'pending' ? null : outcome === 'accepted' || outcome === 'applied',
    outcome,
    rejection: proposal?.rejection ?? null,
    acceptance_delay_ms: proposal?.delayMs ?? null,
    reverted: edit ? edit.reverted : null,
    created_at: new Date(anchor.ms).toISOString(),
  };
}
