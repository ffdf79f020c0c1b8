// Sessions seen in transcripts, with the first and last time each was seen: the list the daemon
// compares with the sessions that produced hook events, to backfill those whose hooks never fired
// (hooks installed later, or not at all).
import type { SessionSighting } from './transcript-line.ts';
import type { TranscriptSessionState } from './transcript-state.ts';

export interface TranscriptSession {
  session_id: string;
  first_timestamp: string;
  last_timestamp: string;
  workspace_hash?: string;
}

export class SessionIndex {
  private readonly sessions: Map<string, TranscriptSessionState>;

  constructor(saved: Record<string, TranscriptSessionState> = {}) {
    this.sessions = new Map(Object.entries(saved));
  }

  /** Timestamps are ISO-8601 UTC from Date#toISOString, so they order as strings. */
  see(sighting: SessionSighting): void {
    const known = this.sessions.get(sighting.sessionId);
    if (!known) {
      this.sessions.set(sighting.sessionId, {
        first: sighting.timestamp,
        last: sighting.timestamp,
        ...(sighting.workspaceHash ? { workspace_hash: sighting.workspaceHash } : {}),
      });
      return;
    }
    if (sighting.timestamp < known.first) known.first = sighting.timestamp;
    if (sighting.timestamp > known.last) known.last = sighting.timestamp;
    if (!known.workspace_hash && sighting.workspaceHash) known.workspace_hash = sighting.workspaceHash;
  }

  list(): TranscriptSession[] {
    return [...this.sessions].map(([id, session]) => ({
      session_id: id,
      first_timestamp: session.first,
      last_timestamp: session.last,
      ...(session.workspace_hash ? { workspace_hash: session.workspace_hash } : {}),
    }));
  }

  toState(): Record<string, TranscriptSessionState> {
    return Object.fromEntries([...this.sessions].map(([id, session]) => [id, { ...session }]));
  }
}

/** The transcript sessions for which no hook event was stored: candidates for backfill. */
export function sessionsWithoutHooks(sessions: readonly TranscriptSession[], hasHookEvents: (sessionId: string) => boolean): TranscriptSession[] {
  return sessions.filter((session) => !hasHookEvents(session.session_id));
}
