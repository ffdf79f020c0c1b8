// Where Cursor keeps state.vscdb (reference/cursor.md §8.1): the global database in
// <User>/globalStorage and one per workspace in <User>/workspaceStorage/<id>, with workspace.json
// naming the folder that id stands for. Paths found here are used to open files and to compute
// keyed hashes; they never leave this process.
import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CursorLocationOptions {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  home?: string;
}

/** Cursor's User folders for this OS, most likely first (they may not exist). */
export function cursorUserDirs(options: CursorLocationOptions = {}): string[] {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const home = options.home ?? (env.HOME?.trim() || homedir());
  if (platform === 'darwin') return [join(home, 'Library', 'Application Support', 'Cursor', 'User')];
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || join(home, 'AppData', 'Roaming');
    return [join(appData, 'Cursor', 'User')];
  }
  const dirs = [join(env.XDG_CONFIG_HOME?.trim() || join(home, '.config'), 'Cursor', 'User')];
  // Under WSL the IDE runs on Windows: its folder is on the Windows side.
  if (env.WSL_DISTRO_NAME) dirs.push(...windowsSideUserDirs());
  return dirs;
}

function windowsSideUserDirs(): string[] {
  let users: Dirent[];
  try {
    users = readdirSync('/mnt/c/Users', { withFileTypes: true });
  } catch {
    return [];
  }
  return users.filter((user) => user.isDirectory()).map((user) => join('/mnt/c/Users', user.name, 'AppData', 'Roaming', 'Cursor', 'User'));
}

export interface CursorDatabaseRef {
  kind: 'global' | 'workspace';
  path: string;
  /** The workspaceStorage folder name (md5 of the folder and a salt). */
  workspaceId?: string;
  /** The workspace's folder as a path (or the URI for remote folders), from workspace.json. */
  workspaceFolder?: string;
}

/** The folder a workspace.json names: a local path for file: URIs, otherwise the URI itself. */
export function workspaceFolderOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const uri = typeof record.folder === 'string' ? record.folder : typeof record.workspace === 'string' ? record.workspace : undefined;
  if (!uri) return undefined;
  if (!uri.startsWith('file:')) return uri;
  try {
    // A Windows drive letter (file:///d%3A/…) only decodes as a path in Windows mode.
    return fileURLToPath(uri, { windows: /^file:\/\/\/[A-Za-z](?::|%3A)/i.test(uri) });
  } catch {
    return uri;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The state.vscdb files under one User folder: the global one, then one per workspace. */
export async function findCursorDatabases(userDir: string): Promise<CursorDatabaseRef[]> {
  const found: CursorDatabaseRef[] = [];
  const global = join(userDir, 'globalStorage', 'state.vscdb');
  if (await exists(global)) found.push({ kind: 'global', path: global });
  let workspaces: Dirent[] = [];
  try {
    workspaces = await readdir(join(userDir, 'workspaceStorage'), { withFileTypes: true });
  } catch {
    // No workspaces yet.
  }
  for (const entry of workspaces) {
    if (!entry.isDirectory()) continue;
    const folder = join(userDir, 'workspaceStorage', entry.name);
    const path = join(folder, 'state.vscdb');
    if (!(await exists(path))) continue;
    let workspaceFolder: string | undefined;
    try {
      workspaceFolder = workspaceFolderOf(JSON.parse(await readFile(join(folder, 'workspace.json'), 'utf8')));
    } catch {
      // No or unreadable workspace.json: the workspace has no project hash.
    }
    found.push({ kind: 'workspace', path, workspaceId: entry.name, workspaceFolder });
  }
  return found;
}
