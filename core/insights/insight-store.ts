// The insights table (migration 3): recording what the rules (or the provider) found about a
// scope, and reading findings back for the API. Works on the daemon's one connection
// (TelemetryStore.connection()); statements are prepared once, and recording a scope is one
// synchronous transaction, so a reader never sees a scope half updated.
//
// Life of a finding: inserted when first found; while it keeps holding, each record updates its
// severity, title, evidence and last_detected_at and keeps first_detected_at; when a record of
// its scope (and source) no longer has it, resolved_at is set. If it comes back later it is a new
// episode: resolved_at is cleared and first_detected_at starts again.
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { uuidV7 } from '../event/uuid-v7.ts';
import { isEvidence, type Evidence, type Finding, type InsightScope, type InsightSource, type Severity } from './finding.ts';

export interface StoredInsight {
  id: string;
  rule: string;
  subject: string;
  severity: Severity;
  scope: InsightScope;
  scope_key: string;
  title: string;
  evidence: Evidence;
  source: InsightSource;
  first_detected_at: string;
  last_detected_at: string;
  resolved_at: string | null;
}

export interface ListOptions {
  /** Only findings detected at or after this time (ms since the epoch). */
  since?: number;
  /** Resolved findings too (default: only those that still hold). */
  includeResolved?: boolean;
  limit: number;
  offset?: number;
}

export interface RecordResult {
  /** Findings inserted or updated. */
  recorded: number;
  /** Open findings of the scope that no longer hold, now resolved. */
  resolved: number;
}

type InsightRow = Omit<StoredInsight, 'evidence'> & { evidence: string };

interface OpenRow {
  id: string;
  rule: string;
  subject: string;
}

const COLUMNS = 'id, rule, subject, severity, scope, scope_key, title, evidence, source, first_detected_at, last_detected_at, resolved_at';

function identity(rule: string, subject: string): string {
  return `${rule}\u0000${subject}`;
}

export class InsightStore {
  private readonly upsert: Statement;
  private readonly selectOpen: Statement<OpenRow>;
  private readonly resolve: Statement;
  private readonly selectPage: Statement<InsightRow>;
  private readonly recordScope: Transaction<(scope: InsightScope, scopeKey: string, findings: readonly Finding[], now: number, source: InsightSource) => RecordResult>;

  constructor(db: Database) {
    this.upsert = db.prepare(`INSERT INTO insights (${COLUMNS})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
      ON CONFLICT (scope, scope_key, source, rule, subject) DO UPDATE SET
        severity = excluded.severity,
        title = excluded.title,
        evidence = excluded.evidence,
        first_detected_at = CASE WHEN resolved_at IS NULL THEN first_detected_at ELSE excluded.first_detected_at END,
        last_detected_at = excluded.last_detected_at,
        resolved_at = NULL`);
    this.selectOpen = db.prepare('SELECT id, rule, subject FROM insights WHERE scope = ? AND scope_key = ? AND source = ? AND resolved_at IS NULL');
    this.resolve = db.prepare('UPDATE insights SET resolved_at = ? WHERE id = ?');
    // since defaults to '' (every ISO text sorts after it); the second parameter is 1 to include resolved rows.
    this.selectPage = db.prepare(`SELECT ${COLUMNS} FROM insights
      WHERE last_detected_at >= ? AND (? = 1 OR resolved_at IS NULL)
      ORDER BY last_detected_at DESC, id DESC LIMIT ? OFFSET ?`);
    this.recordScope = db.transaction((scope: InsightScope, scopeKey: string, findings: readonly Finding[], now: number, source: InsightSource) => {
      const at = new Date(now).toISOString();
      const holding = new Set<string>();
      for (const finding of findings) {
        this.upsert.run(uuidV7(now), finding.rule, finding.subject, finding.severity, scope, scopeKey, finding.title, JSON.stringify(finding.evidence), source, at, at);
        holding.add(identity(finding.rule, finding.subject));
      }
      let resolved = 0;
      for (const open of this.selectOpen.all(scope, scopeKey, source)) {
        if (holding.has(identity(open.rule, open.subject))) continue;
        this.resolve.run(at, open.id);
        resolved++;
      }
      return { recorded: findings.length, resolved };
    });
  }

  /**
   * Records everything that holds for one scope now: upserts these findings and resolves the
   * scope's other open findings of the same source. Throws (and records nothing) if a finding's
   * evidence is not a record of finite numbers.
   */
  record(scope: InsightScope, scopeKey: string, findings: readonly Finding[], now: number, source: InsightSource = 'rules'): RecordResult {
    for (const finding of findings) {
      if (!isEvidence(finding.evidence)) throw new TypeError(`evidence of ${finding.rule} is not a record of finite numbers`);
    }
    return this.recordScope.immediate(scope, scopeKey, findings, now, source);
  }

  /** Findings, the most recently detected first. */
  list(options: ListOptions): StoredInsight[] {
    const since = options.since === undefined ? '' : new Date(options.since).toISOString();
    const rows = this.selectPage.all(since, options.includeResolved ? 1 : 0, options.limit, options.offset ?? 0);
    return rows.map((row) => ({ ...row, evidence: JSON.parse(row.evidence) as Evidence }));
  }
}
