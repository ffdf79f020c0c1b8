// Where Claude Code keeps transcripts, and one pass over all of them: every *.jsonl under each
// projects/ root (subagent files included), each read from its saved offset. The pass reports the
// bytes it read, so a benchmark can show a first scan of a large history and a second one near zero.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.ts';
import type { TranscriptTailer, SkipReason } from './transcript-tailer.ts';
import type { TranscriptStateStore } from './transcript-state.ts';
import type { UsageRecord } from './transcript-line.ts';

/**
 * The projects/ folders to read (reference/claude-code.md §4.1, §4.6): each folder of
 * CLAUDE_CONFIG_DIR (a comma-separated list) if set, otherwise $XDG_CONFIG_HOME/claude and ~/.claude.
 */
export function defaultTranscriptRoots(env: Record<string, string | undefined> = process.env, home: string = env.HOME?.trim() || homedir()): string[] {
  const configured = env.CLAUDE_CONFIG_DIR?.split(',').map((dir) => dir.trim()).filter((dir) => dir !== '');
  if (configured && configured.length > 0) return configured.map((dir) => join(dir, 'projects'));
  const xdg = env.XDG_CONFIG_HOME?.trim() || join(home, '.config');
  return [join(xdg, 'claude', 'projects'), join(home, '.claude', 'projects')];
}

/** Every *.jsonl below `root` (symbolic links to folders are not followed). A missing root has none. */
export async function listTranscriptFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') continue;
      throw error;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) files.push(path);
    }
  }
  return files.sort();
}

export interface TranscriptScanReport {
  files: number;
  /** Files opened because their size or mtime changed. */
  filesRead: number;
  filesUnchanged: number;
  bytesRead: number;
  linesRead: number;
  /** Responses delivered. */
  records: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Files that could not be read (permissions, I/O errors); they are tried again next pass. */
  failed: number;
  durationMs: number;
}

export interface ScanOptions {
  roots: readonly string[];
  tailer: TranscriptTailer;
  /** Receives released responses; awaited before the state is saved. */
  deliver: (records: UsageRecord[]) => void | Promise<void>;
  /** Saved once at the end of the pass. */
  store?: TranscriptStateStore;
  /** Release everything still pending at the end (a one-shot backfill of finished files). */
  settleAll?: boolean;
  log?: Log;
}

/** Reads every transcript under the roots once, from where the last pass stopped. */
export async function scanTranscripts(options: ScanOptions): Promise<TranscriptScanReport> {
  const started = performance.now();
  const report: TranscriptScanReport = { files: 0, filesRead: 0, filesUnchanged: 0, bytesRead: 0, linesRead: 0, records: 0, skipped: {}, failed: 0, durationMs: 0 };
  const deliver = async (records: UsageRecord[]) => {
    if (records.length === 0) return;
    report.records += records.length;
    await options.deliver(records);
  };
  for (const root of options.roots) {
    for (const path of await listTranscriptFiles(root)) {
      report.files++;
      let result;
      try {
        result = await options.tailer.readFile(path);
      } catch (error) {
        report.failed++;
        options.log?.warn('transcript_read_failed', { file: options.tailer.fileKey(path), code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
        continue;
      }
      if (result.unchanged) report.filesUnchanged++;
      else if (!result.missing) report.filesRead++;
      report.bytesRead += result.bytesRead;
      report.linesRead += result.linesRead;
      for (const [reason, count] of Object.entries(result.skipped) as Array<[SkipReason, number]>) {
        report.skipped[reason] = (report.skipped[reason] ?? 0) + count;
      }
      await deliver(result.records);
    }
  }
  await deliver(options.settleAll ? options.tailer.settleAll() : options.tailer.settleIdle());
  if (options.store) await options.store.save(options.tailer.snapshot());
  report.durationMs = performance.now() - started;
  return report;
}
