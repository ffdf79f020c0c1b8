// Where the daemon's monitors look, read like every other setting: environment first, then
// config.json ("monitors": { "transcripts", "cursor", "claudeProjects", "cursorUserDirs" }), then
// the IDEs' own defaults. Kept out of core/config.ts, which the hooks load on every event.
import { delimiter, resolve } from 'node:path';
import { readConfigFile } from '../config.ts';
import { cursorUserDirs } from '../cursor-db/cursor-paths.ts';
import { defaultTranscriptRoots } from '../transcripts/transcript-scan.ts';

type Env = Record<string, string | undefined>;

export interface MonitorSettings {
  /** Claude Code transcript roots (each a `projects` folder); none when the monitor is off. */
  claudeProjects: string[];
  /** Cursor User folders; none when the monitor is off. */
  cursorUserDirs: string[];
}

function pathList(envValue: string | undefined, fileValue: unknown): string[] | undefined {
  if (envValue !== undefined && envValue.trim() !== '') return envValue.split(delimiter).map((path) => path.trim()).filter(Boolean).map((path) => resolve(path));
  if (typeof fileValue === 'string' && fileValue.trim() !== '') return [resolve(fileValue.trim())];
  if (Array.isArray(fileValue)) return fileValue.filter((path): path is string => typeof path === 'string' && path.trim() !== '').map((path) => resolve(path));
  return undefined;
}

/** BLUEPLANE_CLAUDE_PROJECTS and BLUEPLANE_CURSOR_USER_DIRS take a PATH-style list. */
export function loadMonitorSettings(home: string, env: Env, onProblem: (message: string) => void = () => {}): MonitorSettings {
  const file = readConfigFile(home, onProblem);
  const monitors = (file.monitors && typeof file.monitors === 'object' ? file.monitors : {}) as Record<string, unknown>;
  return {
    claudeProjects: monitors.transcripts === false ? [] : (pathList(env.BLUEPLANE_CLAUDE_PROJECTS, monitors.claudeProjects) ?? defaultTranscriptRoots(env)),
    cursorUserDirs: monitors.cursor === false ? [] : (pathList(env.BLUEPLANE_CURSOR_USER_DIRS, monitors.cursorUserDirs) ?? cursorUserDirs({ env })),
  };
}
