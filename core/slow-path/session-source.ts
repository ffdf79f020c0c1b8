// The slow path's reads of stored events, by session: which sessions exist (session_mappings) and
// all events of one, decompressed. A session is the IDE's session id on a platform; its hooks and
// its transcript's token records may name different project hashes (and so have two mappings),
// so events are read by platform + session id and the session keeps its earliest mapping's UUID.
// Cursor database records that name no session (generations, daily counts: "unknown") are not a
// session.
import type { Database, Statement } from 'better-sqlite3';
import type { Platform, TelemetryEvent } from '../event/envelope.ts';
import { decodeEventData } from '../storage/event-codec.ts';

export const NO_SESSION = 'unknown';

export interface SessionRef {
  platform: Platform;
  sessionId: string;
  /** Our UUID for the session: its earliest session_mappings row. */
  uuid: string;
  firstSeen: string;
  lastSeen: string;
}

export function sessionKey(platform: Platform, sessionId: string): string {
  return `${platform}\u0000${sessionId}`;
}

export class SessionSource {
  private readonly selectEvents: Statement<{ codec: number; event_data: Buffer }>;
  private readonly selectSince: Statement<SessionRef>;
  private readonly selectOne: Statement<SessionRef>;
  private readonly selectMatching: Statement<SessionRef>;

  constructor(db: Database) {
    this.selectEvents = db.prepare('SELECT codec, event_data FROM raw_traces WHERE session_id = ? AND platform = ? ORDER BY sequence');
    const columns = `platform, external_id AS sessionId, session_uuid AS uuid, min(first_seen) AS firstSeen, max(last_seen) AS lastSeen`;
    this.selectSince = db.prepare(`SELECT ${columns} FROM session_mappings WHERE external_id != '${NO_SESSION}'
      GROUP BY platform, external_id HAVING max(last_seen) >= ? ORDER BY lastSeen`);
    this.selectOne = db.prepare(`SELECT ${columns} FROM session_mappings WHERE platform = ? AND external_id = ? GROUP BY platform, external_id`);
    this.selectMatching = db.prepare(`SELECT ${columns} FROM session_mappings WHERE external_id != '${NO_SESSION}'
      AND (substr(session_uuid, 1, length(?)) = ? OR substr(external_id, 1, length(?)) = ?)
      GROUP BY platform, external_id ORDER BY lastSeen DESC LIMIT 10`);
  }

  /** Every event of the session, decompressed, in storage order. */
  events(platform: Platform, sessionId: string): TelemetryEvent[] {
    return this.selectEvents.all(sessionId, platform).map((row) => decodeEventData(row.event_data, row.codec));
  }

  /** Sessions with an event at or after `sinceIso`, oldest activity first. */
  sessionsSince(sinceIso: string): SessionRef[] {
    return this.selectSince.all(sinceIso);
  }

  session(platform: Platform, sessionId: string): SessionRef | undefined {
    return this.selectOne.get(platform, sessionId);
  }

  /** Sessions whose UUID or IDE session id is `text` or starts with it (an exact match wins), most recent first, at most 10. */
  matching(text: string): SessionRef[] {
    const rows = this.selectMatching.all(text, text, text, text);
    const exact = rows.filter((row) => row.uuid === text || row.sessionId === text);
    return exact.length > 0 ? exact : rows;
  }
}
