// `blueplane mcp`: the MCP server over stdio, for Claude Code, Cursor or any MCP client that starts
// it as a child process. stdout carries the protocol and nothing else: every log line goes to
// stderr. It serves until the client closes stdin.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadConfig } from '../config.ts';
import { BlueplaneMcpServer } from '../mcp/mcp-server.ts';
import { parseArgs } from './args.ts';
import { EXIT_OK, UsageError, type CliContext } from './context.ts';

export const help = `Usage: blueplane mcp

Serves the Model Context Protocol over stdio (stdin and stdout), so an assistant can read this
machine's Blueplane telemetry. Read-only tools: current_metrics, session_metrics,
acceptance_analysis, error_patterns, recent_sessions, insights. Answers come from the processed
data only (stored sessions and their metrics in the database, live metrics in Redis): counts,
rates, durations, tool names, file extensions and hashed ids, never code, paths or prompts.

Register it with an MCP client instead of running it by hand:
  claude mcp add blueplane -- npx blueplane mcp     (Claude Code)
  ~/.cursor/mcp.json: {"mcpServers": {"blueplane": {"command": "npx", "args": ["blueplane", "mcp"]}}}

Logs go to stderr. It serves until the client closes stdin.

Options:
  -h, --help  show this help

Exit codes: 0 the client closed the connection, 2 bad command line.
`;

const COMMAND_LINE = 'blueplane mcp';

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['help'], strings: [], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${COMMAND_LINE} --help\``);
  const log = (message: string): void => context.stderr(`blueplane mcp: ${message}\n`);
  const config = loadConfig(context.env, log);
  const server = new BlueplaneMcpServer(config, log);
  // The protocol needs the process's own byte streams, which CliContext's text functions are not.
  const stdin = process.stdin;
  if (stdin.isTTY) log('waiting for an MCP client on stdin (register the command with Claude Code or Cursor; `blueplane mcp --help` shows how)');
  // The stdio transport does not watch for the end of stdin: a client that closes it has left.
  stdin.once('end', () => void server.close());
  const transport = new StdioServerTransport(stdin, process.stdout);
  transport.onerror = (error) => log(`transport: ${error.message}`);
  await server.serve(transport);
  return EXIT_OK;
}
