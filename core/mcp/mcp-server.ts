// The Blueplane MCP server: the read-only tools of mcp-tools.ts over one transport (stdio for
// `blueplane mcp`). The server owns its TelemetryAccess and closes it with itself.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BlueplaneConfig } from '../config.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { registerTools } from './mcp-tools.ts';
import { TelemetryAccess } from './telemetry-access.ts';

const INSTRUCTIONS =
  "Blueplane keeps local, private telemetry of the user's Claude Code and Cursor sessions (counts, rates, durations, tool names, file extensions, hashed ids; never code, paths or prompts). Use current_metrics for the session going on now, recent_sessions to find a session and session_metrics to look into it, acceptance_analysis, error_patterns and insights for patterns across sessions.";

export class BlueplaneMcpServer {
  private readonly server: McpServer;
  private readonly access: TelemetryAccess;
  private closing: Promise<void> | undefined;

  constructor(config: BlueplaneConfig, log: (message: string) => void) {
    this.access = new TelemetryAccess(config, log);
    this.server = new McpServer({ name: 'blueplane', title: 'Blueplane telemetry', version: PRODUCT_VERSION }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
    registerTools(this.server, this.access);
  }

  /** Serves over the transport; resolves once it has closed (the client went away, or close()). */
  async serve(transport: Transport): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server.server.onclose = resolve));
    await this.server.connect(transport);
    await closed;
    await this.close();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.server.close();
      this.access.close();
    })();
    return this.closing;
  }
}
