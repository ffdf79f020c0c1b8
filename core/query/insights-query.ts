// Insights as Layer 3 reads them (GET /insights, `blueplane insights`, the MCP tool): the findings
// the rules (or the optional provider) stored, filtered by kind, scope or session, newest first.
import type { Evidence, InsightScope, Severity } from '../insights/finding.ts';
import { sessionScopeKey } from '../insights/insight-input.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import type { ProcessedDatabase } from './processed-database.ts';

/** The seed's insight types, each a group of rules. */
export const INSIGHT_TYPES = {
  productivity: ['acceptance_drop', 'token_spike'],
  errors: ['tool_failure_spike', 'hook_errors', 'high_interruption_rate'],
  patterns: ['frequent_compactions', 'slow_tool'],
} as const satisfies Record<string, readonly string[]>;
export type InsightType = keyof typeof INSIGHT_TYPES;

export interface InsightFilter {
  type?: InsightType;
  scope?: InsightScope;
  /** Findings about this session: scope session. */
  session?: Pick<SessionMetrics, 'platform' | 'session_id'>;
  severity?: Severity;
  includeResolved?: boolean;
  limit: number;
  offset: number;
}

export interface InsightAnswer {
  id: string;
  type: InsightType | 'other';
  rule: string;
  subject: string;
  severity: Severity;
  scope: InsightScope;
  scope_key: string;
  title: string;
  evidence: Evidence;
  source: string;
  first_detected_at: string;
  last_detected_at: string;
  resolved_at: string | null;
}

export function typeOfRule(rule: string): InsightType | 'other' {
  for (const [type, rules] of Object.entries(INSIGHT_TYPES)) if ((rules as readonly string[]).includes(rule)) return type as InsightType;
  return 'other';
}

type Row = Omit<InsightAnswer, 'type' | 'evidence'> & { evidence: string };

export class InsightsQuery {
  private readonly select;
  private readonly count;

  constructor(db: ProcessedDatabase) {
    const where = `(:rules IS NULL OR rule IN (SELECT value FROM json_each(:rules))) AND (:scope IS NULL OR scope = :scope)
      AND (:session IS NULL OR (scope = 'session' AND scope_key = :session)) AND (:severity IS NULL OR severity = :severity)
      AND (:resolved = 1 OR resolved_at IS NULL)`;
    this.select = db.prepare<Row>(`SELECT id, rule, subject, severity, scope, scope_key, title, evidence, source, first_detected_at, last_detected_at, resolved_at
      FROM insights WHERE ${where} ORDER BY last_detected_at DESC, id LIMIT :limit OFFSET :offset`);
    this.count = db.prepare<{ total: number }>(`SELECT count(*) AS total FROM insights WHERE ${where}`);
  }

  list(filter: InsightFilter): { total: number; limit: number; offset: number; insights: InsightAnswer[] } {
    const bound = {
      rules: filter.type ? JSON.stringify(INSIGHT_TYPES[filter.type]) : null,
      scope: filter.session !== undefined ? 'session' : (filter.scope ?? null),
      session: filter.session !== undefined ? sessionScopeKey(filter.session) : null,
      severity: filter.severity ?? null,
      resolved: filter.includeResolved ? 1 : 0,
    };
    const rows = this.select.all({ ...bound, limit: filter.limit, offset: filter.offset });
    return {
      total: this.count.get(bound)!.total,
      limit: filter.limit,
      offset: filter.offset,
      insights: rows.map((row) => ({ ...row, type: typeOfRule(row.rule), evidence: JSON.parse(row.evidence) as Evidence })),
    };
  }
}
