// The Cursor monitor as a long-lived service: finds the state.vscdb files (global and per
// workspace) under Cursor's User folders, polls them by stat, reads the ones that changed
// (read-only, allow-listed keys, see cursor-facts.ts), merges what the databases say about each
// composer, and delivers records for what is new or changed since the last delivery. What was
// delivered is remembered (an injected store) so a restart does not deliver it again; a failed
// delivery is retried on the next tick. Locked databases are retried later, never waited for.
import type { Log } from '../log.ts';
import { silentLog } from '../log.ts';
import { createHasher, isRecord, safeId, type Hasher } from '../capture/safe-values.ts';
import { composerKey, CursorDatabaseReader, type BubbleCacheEntry, type PollResult } from './cursor-db-reader.ts';
import { isReportableComposer, recordFingerprint, type CursorComposerRecord, type CursorRecord } from './cursor-events.ts';
import type { BubbleAggregate, ComposerFacts, DailyStatsFacts } from './cursor-facts.ts';
import { cursorUserDirs, findCursorDatabases, type CursorDatabaseRef } from './cursor-paths.ts';
import { jsonFileStore } from '../transcripts/transcript-state.ts';

export interface CursorMonitorState {
  version: 1;
  /** Per composer (by composerKey): bubble totals and the fingerprint of the last delivered snapshot. */
  composers: Record<string, { data?: string; bubbles?: BubbleAggregate; delivered?: string }>;
  /** Per database (keyed hash of its path): the newest generation time delivered. */
  generations: Record<string, number>;
  /** Per date: the fingerprint of the last delivered daily stats. */
  daily: Record<string, string>;
}

export interface CursorStateStore {
  load(): CursorMonitorState | undefined | Promise<CursorMonitorState | undefined>;
  save(state: CursorMonitorState): void | Promise<void>;
}

export interface CursorMonitorOptions {
  /** The install secret: keys every hash. */
  secret: Buffer;
  /** Cursor User folders to look in (default: this OS's, see cursorUserDirs). */
  userDirs?: readonly string[];
  deliver: (records: CursorRecord[]) => void | Promise<void>;
  store?: CursorStateStore;
  log?: Log;
  now?: () => number;
  /** How often databases are checked by stat. */
  pollMs?: number;
  /** How often the User folders are searched for new workspaces. */
  discoverMs?: number;
  /** Least time between two reads of one database. */
  minReadIntervalMs?: number;
  maxBubbleComposersPerRead?: number;
  busyTimeoutMs?: number;
}

export interface CursorPassReport {
  databases: number;
  statuses: Partial<Record<PollResult['status'], number>>;
  records: number;
}

/** The Cursor monitor's state in a private JSON file. */
export function jsonFileCursorStateStore(path: string): CursorStateStore {
  return jsonFileStore(path, sanitizeCursorState);
}

function emptyState(): CursorMonitorState {
  return { version: 1, composers: {}, generations: {}, daily: {} };
}

/** Keeps a saved state's well-formed parts; anything else starts fresh (costs one re-delivery). */
export function sanitizeCursorState(raw: unknown): CursorMonitorState {
  const state = emptyState();
  if (!isRecord(raw) || raw.version !== 1) return state;
  if (isRecord(raw.composers)) {
    for (const [key, value] of Object.entries(raw.composers)) {
      if (!isRecord(value)) continue;
      state.composers[key] = {
        ...(typeof value.data === 'string' ? { data: value.data } : {}),
        ...(isRecord(value.bubbles) ? { bubbles: value.bubbles as unknown as BubbleAggregate } : {}),
        ...(typeof value.delivered === 'string' ? { delivered: value.delivered } : {}),
      };
    }
  }
  if (isRecord(raw.generations)) for (const [key, value] of Object.entries(raw.generations)) if (typeof value === 'number') state.generations[key] = value;
  if (isRecord(raw.daily)) for (const [key, value] of Object.entries(raw.daily)) if (typeof value === 'string') state.daily[key] = value;
  return state;
}

interface Candidate {
  record: CursorRecord;
  commit: () => void;
}

export class CursorMonitor {
  private readonly options: CursorMonitorOptions;
  private readonly hash: Hasher;
  private readonly log: Log;
  private readonly now: () => number;
  private readonly readers = new Map<string, CursorDatabaseReader>();
  private readonly bubbleCache = new Map<string, BubbleCacheEntry>();
  private state: CursorMonitorState = emptyState();
  private lastDiscovery = Number.NEGATIVE_INFINITY;
  /** Set when a delivery failed: the next pass recomputes even if no database changed. */
  private retryDelivery = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private loaded = false;

  constructor(options: CursorMonitorOptions) {
    this.options = options;
    this.hash = createHasher(options.secret);
    this.log = options.log ?? silentLog;
    this.now = options.now ?? Date.now;
  }

  /** Runs a first pass, then one every pollMs. Resolves with the first pass's report. */
  async start(): Promise<CursorPassReport> {
    const report = await this.pass();
    if (!this.closing) {
      this.timer = setInterval(() => {
        this.running = this.running.then(() => this.pass()).catch((error: unknown) => this.log.error('cursor_pass_failed', { code: (error as Error).name }));
      }, this.options.pollMs ?? 5_000);
      this.timer.unref();
    }
    return report;
  }

  /** Stops polling after the pass in flight. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      await this.running.catch(() => undefined);
    })();
    return this.closing;
  }

  /** One pass: discover (when due), poll every database, deliver what changed. Never throws for a database's content. */
  async pass(): Promise<CursorPassReport> {
    await this.loadState();
    if (this.now() - this.lastDiscovery >= (this.options.discoverMs ?? 60_000)) await this.discover();
    const report: CursorPassReport = { databases: this.readers.size, statuses: {}, records: 0 };
    let changed = this.retryDelivery;
    for (const reader of this.readers.values()) {
      const result = await reader.poll();
      report.statuses[result.status] = (report.statuses[result.status] ?? 0) + 1;
      if (result.status === 'read') changed = true;
    }
    if (!changed) return report;
    const candidates = [...this.composerCandidates(), ...this.generationCandidates(), ...this.dailyCandidates()];
    if (candidates.length === 0) {
      this.retryDelivery = false;
      return report;
    }
    try {
      await this.options.deliver(candidates.map((candidate) => candidate.record));
    } catch (error) {
      this.retryDelivery = true;
      this.log.warn('cursor_deliver_failed', { records: candidates.length, code: (error as NodeJS.ErrnoException).code ?? (error as Error).name });
      return report;
    }
    this.retryDelivery = false;
    for (const candidate of candidates) candidate.commit();
    report.records = candidates.length;
    await this.saveState();
    return report;
  }

  private async loadState(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const saved = await this.options.store?.load();
    this.state = sanitizeCursorState(saved);
    for (const [key, composer] of Object.entries(this.state.composers)) {
      if (composer.data && composer.bubbles) this.bubbleCache.set(key, { dataFingerprint: composer.data, bubbles: composer.bubbles });
    }
  }

  private async saveState(): Promise<void> {
    if (!this.options.store) return;
    for (const [key, entry] of this.bubbleCache) {
      const composer = (this.state.composers[key] ??= {});
      composer.data = entry.dataFingerprint;
      composer.bubbles = entry.bubbles;
    }
    try {
      await this.options.store.save(this.state);
    } catch (error) {
      this.log.warn('cursor_state_save_failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    }
  }

  private async discover(): Promise<void> {
    this.lastDiscovery = this.now();
    const refs: CursorDatabaseRef[] = [];
    for (const userDir of this.options.userDirs ?? cursorUserDirs()) refs.push(...(await findCursorDatabases(userDir)));
    const seen = new Set<string>();
    for (const ref of refs) {
      seen.add(ref.path);
      if (this.readers.has(ref.path)) continue;
      this.readers.set(
        ref.path,
        new CursorDatabaseReader(ref, {
          hash: this.hash,
          bubbleCache: this.bubbleCache,
          log: this.log,
          now: this.now,
          minReadIntervalMs: this.options.minReadIntervalMs ?? 10_000,
          maxBubbleComposersPerRead: this.options.maxBubbleComposersPerRead,
          busyTimeoutMs: this.options.busyTimeoutMs,
        }),
      );
    }
    for (const path of [...this.readers.keys()]) if (!seen.has(path)) this.readers.delete(path);
  }

  /** Composer snapshots merged across databases: composerData rows first, list heads fill the gaps. */
  private composerCandidates(): Candidate[] {
    interface Merged {
      facts: ComposerFacts;
      projectHash?: string;
      dataFingerprint?: string;
    }
    const merged = new Map<string, Merged>();
    const readers = [...this.readers.values()];
    // Workspace databases first: their folder is the composer's project.
    readers.sort((a, b) => (a.ref.kind === b.ref.kind ? 0 : a.ref.kind === 'workspace' ? -1 : 1));
    for (const reader of readers) {
      const facts = reader.facts;
      if (!facts) continue;
      for (const [id, head] of facts.composerHeads) {
        const entry = merged.get(id) ?? { facts: {} };
        entry.facts = { ...head, ...entry.facts };
        entry.projectHash ??= head.projectHash ?? reader.projectHash;
        merged.set(id, entry);
      }
      for (const [id, row] of facts.composerData) {
        const entry = merged.get(id) ?? { facts: {} };
        entry.facts = { ...entry.facts, ...row.facts };
        entry.projectHash = row.facts.projectHash ?? entry.projectHash;
        entry.dataFingerprint = row.fingerprint;
        merged.set(id, entry);
      }
    }
    const candidates: Candidate[] = [];
    for (const [id, entry] of merged) {
      const key = composerKey(id, this.hash);
      let bubbles: BubbleAggregate | undefined;
      if (entry.dataFingerprint !== undefined) {
        const cached = this.bubbleCache.get(key);
        // Bubbles not read yet for this version of the composer (read budget): wait for them.
        if (!cached || cached.dataFingerprint !== entry.dataFingerprint) continue;
        bubbles = cached.bubbles.bubbles > 0 ? cached.bubbles : undefined;
      }
      const { projectHash: _ignored, ...facts } = entry.facts;
      const record: CursorComposerRecord = { kind: 'composer_update', sessionId: key, ...(entry.projectHash ? { projectHash: entry.projectHash } : {}), facts, ...(bubbles ? { bubbles } : {}) };
      if (!isReportableComposer(record)) continue;
      const fingerprint = recordFingerprint(record);
      if (this.state.composers[key]?.delivered === fingerprint) continue;
      candidates.push({ record, commit: () => void ((this.state.composers[key] ??= {}).delivered = fingerprint) });
    }
    return candidates;
  }

  private generationCandidates(): Candidate[] {
    const candidates: Candidate[] = [];
    for (const reader of this.readers.values()) {
      const generations = reader.facts?.generations ?? [];
      const newest = this.state.generations[reader.key] ?? 0;
      const fresh = generations.filter((generation) => generation.unixMs > newest).sort((a, b) => a.unixMs - b.unixMs);
      for (const generation of fresh) {
        const generationId = safeId(generation.generationId, this.hash);
        if (!generationId) continue;
        candidates.push({
          record: { kind: 'generation', generationId, unixMs: generation.unixMs, ...(generation.kind ? { generationKind: generation.kind } : {}), ...(reader.projectHash ? { projectHash: reader.projectHash } : {}) },
          commit: () => void (this.state.generations[reader.key] = Math.max(this.state.generations[reader.key] ?? 0, generation.unixMs)),
        });
      }
    }
    return candidates;
  }

  private dailyCandidates(): Candidate[] {
    const byDate = new Map<string, DailyStatsFacts>();
    for (const reader of this.readers.values()) for (const stats of reader.facts?.dailyStats ?? []) byDate.set(stats.date, stats);
    const candidates: Candidate[] = [];
    for (const [date, stats] of byDate) {
      const record: CursorRecord = { kind: 'daily_code_stats', stats };
      const fingerprint = recordFingerprint(record);
      if (this.state.daily[date] === fingerprint) continue;
      candidates.push({ record, commit: () => void (this.state.daily[date] = fingerprint) });
    }
    return candidates;
  }
}
