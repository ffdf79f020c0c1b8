// Acceptance by file type (GET /analysis/acceptance): what happened to the assistant's code
// changes, per file extension, from the code_changes rows. The rate is the engine's: accepted and
// not reverted over the proposals that reached an outcome (accepted, rejected, failed); Cursor's
// applied edits (no proposal is visible) count as applied and reverted, not in the rate.
import { summarizeOrNoData, sortSamples, type DistributionSummary } from '../metrics/percentile.ts';
import { ratio, unavailable, type Metric } from '../metrics/metric-value.ts';
import type { ProcessedDatabase } from './processed-database.ts';

export interface AcceptanceFilter {
  /** A file extension with or without its dot (`ts`, `.ts`); `(none)` for files without one. */
  fileType?: string;
  /** Changes made at or after (ISO-8601). */
  since?: string;
  platform?: string;
}

export interface FileTypeAcceptance {
  file_type: string;
  changes: number;
  accepted: number;
  accepted_not_reverted: number;
  rejected: number;
  failed: number;
  pending: number;
  applied: number;
  reverted: number;
  lines_added_accepted: number;
  acceptance_rate: Metric<number>;
  time_to_accept_ms: Metric<DistributionSummary>;
  time_to_reject_ms: Metric<DistributionSummary>;
}

export interface AcceptanceAnalysis {
  since: string | null;
  total: FileTypeAcceptance;
  by_file_type: FileTypeAcceptance[];
}

interface ChangeFacts {
  file_extension: string | null;
  outcome: string;
  reverted: number | null;
  acceptance_delay_ms: number | null;
  lines_added: number | null;
}

const NO_EXTENSION = '(none)';

class Counter {
  changes = 0;
  accepted = 0;
  acceptedNotReverted = 0;
  rejected = 0;
  failed = 0;
  pending = 0;
  applied = 0;
  reverted = 0;
  linesAccepted = 0;
  readonly acceptDelays: number[] = [];
  readonly rejectDelays: number[] = [];

  add(change: ChangeFacts): void {
    this.changes++;
    const reverted = change.reverted === 1;
    if (reverted) this.reverted++;
    switch (change.outcome) {
      case 'accepted':
        this.accepted++;
        if (!reverted) this.acceptedNotReverted++;
        this.linesAccepted += change.lines_added ?? 0;
        if (change.acceptance_delay_ms !== null) this.acceptDelays.push(change.acceptance_delay_ms);
        break;
      case 'rejected':
        this.rejected++;
        if (change.acceptance_delay_ms !== null) this.rejectDelays.push(change.acceptance_delay_ms);
        break;
      case 'failed':
        this.failed++;
        break;
      case 'pending':
        this.pending++;
        break;
      default:
        this.applied++;
    }
  }

  view(fileType: string): FileTypeAcceptance {
    const decided = this.accepted + this.rejected + this.failed;
    return {
      file_type: fileType,
      changes: this.changes,
      accepted: this.accepted,
      accepted_not_reverted: this.acceptedNotReverted,
      rejected: this.rejected,
      failed: this.failed,
      pending: this.pending,
      applied: this.applied,
      reverted: this.reverted,
      lines_added_accepted: this.linesAccepted,
      acceptance_rate: ratio(this.acceptedNotReverted, decided, unavailable('no_data', 'no edit proposal of this file type was decided')),
      time_to_accept_ms: summarizeOrNoData(sortSamples(this.acceptDelays), 'accepted proposal with a known delay'),
      time_to_reject_ms: summarizeOrNoData(sortSamples(this.rejectDelays), 'rejected proposal with a known delay'),
    };
  }
}

/** `ts`, `.ts` and `.TS` all mean `.ts`. */
export function normalizedFileType(fileType: string): string {
  return fileType === NO_EXTENSION ? NO_EXTENSION : `.${fileType.replace(/^\./, '').toLowerCase()}`;
}

export class AcceptanceAnalysisQuery {
  private readonly select;

  constructor(db: ProcessedDatabase) {
    this.select = db.prepare<ChangeFacts>(`SELECT c.file_extension, c.outcome, c.reverted, c.acceptance_delay_ms, c.lines_added
      FROM code_changes c JOIN conversations v ON v.id = c.conversation_id
      WHERE (:since IS NULL OR c.created_at >= :since) AND (:platform IS NULL OR v.platform = :platform)`);
  }

  analyze(filter: AcceptanceFilter): AcceptanceAnalysis {
    const wanted = filter.fileType === undefined ? undefined : normalizedFileType(filter.fileType);
    const total = new Counter();
    const byType = new Map<string, Counter>();
    for (const change of this.select.iterate({ since: filter.since ?? null, platform: filter.platform ?? null })) {
      const fileType = change.file_extension ? change.file_extension.toLowerCase() : NO_EXTENSION;
      if (wanted !== undefined && fileType !== wanted) continue;
      total.add(change);
      let counter = byType.get(fileType);
      if (!counter) byType.set(fileType, (counter = new Counter()));
      counter.add(change);
    }
    const by_file_type = [...byType].map(([fileType, counter]) => counter.view(fileType)).sort((a, b) => b.changes - a.changes || (a.file_type < b.file_type ? -1 : 1));
    return { since: filter.since ?? null, total: total.view(wanted ?? 'all'), by_file_type };
  }
}
