// The CLI's commands. Each lives in its own module, imported only when it runs, so `blueplane
// hooks` never loads what `start` or `status` will need (ioredis, better-sqlite3). A new command
// is one entry here and one module exporting `help` and `run`.
import type { CliContext } from './context.ts';

export interface CliCommand {
  /** Full help text, printed by `blueplane <command> --help`. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], context: CliContext): Promise<number>;
}

export interface CommandEntry {
  summary: string;
  load(): Promise<CliCommand>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  start: {
    summary: 'run the daemon (in the foreground, or in the background with --detach)',
    load: () => import('./start-command.ts'),
  },
  stop: {
    summary: 'stop the daemon gracefully and wait until it has exited',
    load: () => import('./stop-command.ts'),
  },
  status: {
    summary: 'show the daemon, Redis, streams, events stored and spool backlog (--json)',
    load: () => import('./status-command.ts'),
  },
  analyze: {
    summary: "one session's metrics: tools, errors, acceptance, lines, tokens and cost (--json)",
    load: () => import('./analyze-command.ts'),
  },
  metrics: {
    summary: 'live metrics of a period with the change against the one before (--json); metrics rebuild',
    load: () => import('./metrics-command.ts'),
  },
  sessions: {
    summary: 'the stored sessions, a page at a time, with their totals (--json)',
    load: () => import('./sessions-command.ts'),
  },
  insights: {
    summary: 'what the rules found: severity, title, scope, evidence (--json)',
    load: () => import('./insights-command.ts'),
  },
  export: {
    summary: 'processed sessions, turns, changes and insights as JSON, CSV or Parquet (--since, --until, --anonymize)',
    load: () => import('./export-command.ts'),
  },
  purge: {
    summary: 'delete everything stored (database, this install\'s Redis keys, spool), after asking (--yes)',
    load: () => import('./purge-command.ts'),
  },
  hooks: {
    summary: 'install, remove or check the Claude Code and Cursor hooks',
    load: () => import('./hooks-command.ts'),
  },
  mcp: {
    summary: 'serve read-only telemetry tools to Claude Code, Cursor or any MCP client over stdio',
    load: () => import('./mcp-command.ts'),
  },
};
