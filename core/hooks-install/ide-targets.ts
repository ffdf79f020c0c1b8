// The two IDEs Blueplane hooks into and where each one's pieces live: the user's hook config file,
// the hook bundle we copy, and the shim that config names. One table, so the installer, uninstaller
// and status can never disagree about a file name.
import { join } from 'node:path';

export type Ide = 'claude' | 'cursor';

export const IDES: readonly Ide[] = ['claude', 'cursor'];

export interface IdeTarget {
  ide: Ide;
  displayName: string;
  /** Folder whose existence means the IDE has run for this user. */
  configFolder(userHome: string): string;
  /** The user-level hook config file we merge into. */
  configFile(userHome: string): string;
  /** The built hook bundle's name in the bundle folder (dist/hooks). */
  bundleFileName: string;
  /** The copy of the bundle under $BLUEPLANE_HOME/bin. */
  hookScriptName: string;
  /** The shim under $BLUEPLANE_HOME/bin that the IDE's config runs. */
  shimName: string;
}

export const BACKUP_SUFFIX = '.blueplane-backup';

export const IDE_TARGETS: Readonly<Record<Ide, IdeTarget>> = {
  claude: {
    ide: 'claude',
    displayName: 'Claude Code',
    configFolder: (userHome) => join(userHome, '.claude'),
    configFile: (userHome) => join(userHome, '.claude', 'settings.json'),
    bundleFileName: 'claude.js',
    hookScriptName: 'claude-hook.js',
    shimName: 'blueplane-claude-hook',
  },
  cursor: {
    ide: 'cursor',
    displayName: 'Cursor',
    configFolder: (userHome) => join(userHome, '.cursor'),
    configFile: (userHome) => join(userHome, '.cursor', 'hooks.json'),
    bundleFileName: 'cursor.js',
    hookScriptName: 'cursor-hook.js',
    shimName: 'blueplane-cursor-hook',
  },
};

export function binFolder(home: string): string {
  return join(home, 'bin');
}

export function shimPath(home: string, ide: Ide): string {
  return join(binFolder(home), IDE_TARGETS[ide].shimName);
}

export function hookScriptPath(home: string, ide: Ide): string {
  return join(binFolder(home), IDE_TARGETS[ide].hookScriptName);
}

export function backupPath(configFile: string): string {
  return `${configFile}${BACKUP_SUFFIX}`;
}
