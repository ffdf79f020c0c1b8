// VS Code extension entry. For now it only announces itself in its log channel; starting the core,
// the status bar and the sidebar arrive with the extension issue. It never imports core/ storage
// code: the daemon owns SQLite and Redis (DESIGN.md, Processes and runtimes).
import * as vscode from 'vscode';
import { PRODUCT_VERSION } from '../core/version.ts';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Blueplane', { log: true });
  context.subscriptions.push(log);
  log.info(`Blueplane ${PRODUCT_VERSION} activated`);
}

export function deactivate(): void {}
