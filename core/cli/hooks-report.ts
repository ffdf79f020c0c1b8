// Human-readable output of `blueplane hooks`: one short paragraph per IDE for install/uninstall,
// and for status a table with one column per IDE, followed by problems and notes.
import type { IdeInstallResult, IdeUninstallResult } from '../hooks-install/installer.ts';
import { IDE_TARGETS } from '../hooks-install/ide-targets.ts';
import type { HooksStatus, IdeHooksStatus } from '../hooks-install/status.ts';

export function formatInstallReport(results: readonly IdeInstallResult[]): string {
  return results
    .map((result) => {
      const name = IDE_TARGETS[result.ide].displayName;
      const file = result.configFile;
      const what = !file.changed
        ? `hooks already installed in ${file.path}; file unchanged.`
        : `hooks installed for ${result.events.length} events in ${file.path}${file.created ? ' (new file)' : ''}.`;
      const lines = [`${name}: ${what}`];
      if (file.backupFile) lines.push(`  previous version saved as ${file.backupFile}`);
      const electron = result.runtime.electron ? ', Electron as Node' : '';
      lines.push(`  ${result.shim} runs ${result.runtime.path} (Node ${result.runtime.nodeVersion}${electron})`);
      return lines.join('\n');
    })
    .join('\n')
    .concat('\n');
}

export function formatUninstallReport(results: readonly IdeUninstallResult[]): string {
  return results
    .map((result) => {
      const name = IDE_TARGETS[result.ide].displayName;
      const file = result.configFile;
      const lines = [`${name}: ${file.changed ? `hooks removed from ${file.path}.` : `no Blueplane hooks in ${file.path}; file unchanged.`}`];
      if (file.backupFile) lines.push(`  previous version saved as ${file.backupFile}`);
      for (const path of result.removed) lines.push(`  removed ${path}`);
      for (const path of result.keptForeign) lines.push(`  left ${path} alone: Blueplane did not write it`);
      return lines.join('\n');
    })
    .join('\n')
    .concat('\n');
}

function entriesCell(status: IdeHooksStatus): string {
  const hooks = status.hooks;
  if (!hooks) return 'unknown (file unreadable)';
  if (hooks.state === 'all') return `all ${status.eventCount} events`;
  if (hooks.state === 'none') return `none of ${status.eventCount} events`;
  const outdated = hooks.outdated.length > 0 ? `, ${hooks.outdated.length} outdated` : '';
  return `${hooks.installed.length} of ${status.eventCount} events (${hooks.missing.length} missing${outdated})`;
}

function rows(status: IdeHooksStatus): string[] {
  const shim = status.shim;
  const shimCell = !shim.exists ? 'missing' : !shim.ours ? 'not written by Blueplane' : shim.executable ? 'ok' : 'not executable';
  const runtimeCell = shim.runtime === undefined ? '-' : `${shim.runtime}${shim.runtimeExists ? '' : ' (missing)'}`;
  const versionCell =
    status.installedVersion === undefined ? '-' : `${status.installedVersion} (${status.upToDate ? 'current' : `this CLI is ${status.cliVersion}`})`;
  return [
    status.detected ? 'yes' : 'no',
    `${status.configFile.path}${status.configFile.exists ? '' : ' (missing)'}`,
    entriesCell(status),
    shimCell,
    runtimeCell,
    versionCell,
  ];
}

const LABELS = ['IDE detected', 'config file', 'our entries', 'shim', 'runtime', 'hook version'];

export function formatStatusTable(status: HooksStatus): string {
  const ides = Object.values(status.ides);
  const columns = [['', ...LABELS], ...ides.map((ide) => [ide.name, ...rows(ide)])];
  const widths = columns.map((column) => Math.max(...column.map((cell) => cell.length)));
  const lines = [`Blueplane hooks (CLI ${status.cliVersion}, home ${status.home})`, ''];
  for (let row = 0; row < LABELS.length + 1; row++) {
    lines.push(columns.map((column, index) => column[row]!.padEnd(widths[index]!)).join('  ').trimEnd());
  }
  for (const ide of ides) {
    if (ide.problems.length === 0 && ide.notes.length === 0) continue;
    lines.push('', `${ide.name}:`);
    for (const problem of ide.problems) lines.push(`  ! ${problem.replaceAll('\n', '\n    ')}`);
    for (const note of ide.notes) lines.push(`  note: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
