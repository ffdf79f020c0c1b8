// The slow path's reads of stored events, by session: which sessions exist (session_mappings) and
// all events of one, decompressed. A session is the IDE's session id on a platform; its hooks and
// its transcript's token records may name different project hashes (and so have two mappings),
// so events are read by platform + session id and the session keeps its earliest mapping's UUID.
// Cursor database records that name no session (generations, daily counts: "unknown") are not a
// session. Stored rows never change, so the decoded events of recently active sessions are kept
// (up to CACHED_EVENTS) and a session read again decodes only its rows added since.
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

/** Decoded events kept across reads, over all sessions (about 1 KB each in memory). */
const CACHED_EVENTS = 50_000;

interface CachedSession {
  events: TelemetryEvent[];
  lastSequence: number;
}

export function sessionKey(platform: Platform, sessionId: string): string {
  return `${platform}\u0000${sessionId}`;
}

export class SessionSource {
  private readonly selectEvents: Statement<{ sequence: number; codec: number; event_data: Buffer }>;
  private readonly selectSessionAt: Statement<{ platform: Platform; session_id: string }>;
  private readonly cache = new Map<string, CachedSession>();
  private cachedEvents = 0;
  private readonly selectSince: Statement<SessionRef>;
  private readonly selectOne: Statement<SessionRef>;
  private readonly selectMatching: Statement<SessionRef>;
  private readonly selectDailyStats: Statement<{ codec: number; event_data: Buffer }>;

  constructor(db: Database) {
    this.selectEvents = db.prepare('SELECT sequence, codec, event_data FROM raw_traces WHERE session_id = ? AND platform = ? AND sequence > ? ORDER BY sequence');
    this.selectDailyStats = db.prepare(`SELECT codec, event_data FROM raw_traces WHERE event_type = 'daily_code_stats' AND timestamp >= ? ORDER BY sequence`);
    this.selectSessionAt = db.prepare('SELECT platform, session_id FROM raw_traces WHERE sequence = ?');
    const columns = `platform, external_id AS sessionId, session_uuid AS uuid, min(first_seen) AS firstSeen, max(last_seen) AS lastSeen`;
    this.selectSince = db.prepare(`SELECT ${columns} FROM session_mappings WHERE external_id != '${NO_SESSION}'
      GROUP BY platform, external_id HAVING max(last_seen) >= ? ORDER BY lastSeen`);
    this.selectOne = db.prepare(`SELECT ${columns} FROM session_mappings WHERE platform = ? AND external_id = ? GROUP BY platform, external_id`);
    this.selectMatching = db.prepare(`SELECT ${columns} FROM session_mappings WHERE external_id != '${NO_SESSION}'
      AND (substr(session_uuid, 1, length(?)) = ? OR substr(external_id, 1, length(?)) = ?)
      GROUP BY platform, external_id ORDER BY lastSeen DESC LIMIT 10`);
  }

  /** Every event of the session, decompressed, in storage order. The array is shared: do not change it. */
  events(platform: Platform, sessionId: string): readonly TelemetryEvent[] {
    const key = sessionKey(platform, sessionId);
    const cached = this.cache.get(key) ?? { events: [], lastSequence: 0 };
    this.cache.delete(key);
    this.cachedEvents -= cached.events.length;
    for (const row of this.selectEvents.all(sessionId, platform, cached.lastSequence)) {
      cached.events.push(decodeEventData(row.event_data, row.codec));
      cached.lastSequence = row.sequence;
    }
    // Most recently read last; the least recently read go first when the cache is full.
    this.cache.set(key, cached);
    this.cachedEvents += cached.events.length;
    for (const [oldKey, old] of this.cache) {
      if (this.cachedEvents <= CACHED_EVENTS || oldKey === key) break;
      this.cache.delete(oldKey);
      this.cachedEvents -= old.events.length;
    }
    return cached.events;
  }

  /** Cursor's daily line counts (daily_code_stats records) for dates from `sinceIso` on, in storage order. */
  dailyCodeStats(sinceIso: string): TelemetryEvent[] {
    return this.selectDailyStats.all(sinceIso).map((row) => decodeEventData(row.event_data, row.codec));
  }

  /** The session a stored row belongs to, from its columns (nothing decompressed). */
  sessionAt(sequence: number): { platform: Platform; sessionId: string } | undefined {
    const row = this.selectSessionAt.get(sequence);
    return row && { platform: row.platform, sessionId: row.session_id };
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
