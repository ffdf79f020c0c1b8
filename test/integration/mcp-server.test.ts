// `blueplane mcp` as an MCP client sees it: the built CLI (dist/core/cli.js) started by the SDK's
// own StdioClientTransport and Client, against a real daemon with its own data folder and a
// private Redis, fed two scripted Claude Code sessions hook by hook. Every tool answers the numbers
// of those sessions (counted by hand below), bad input is an error result after which the server
// keeps serving, stdout carries protocol messages only, nothing the hooks saw in clear text comes
// back, and with Redis gone the live tools say so while the stored data still answers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { streamEntryFields } from '../../core/event/envelope.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { CLI_PATH, daemonEnv, ensureBuiltCli, killIfAlive, killLeftovers, runCli, startForeground, waitFor, type ForegroundDaemon } from '../support/daemon-process.ts';
import { REPO_ROOT } from '../support/hook-process.ts';
import { tempHome, uniquePrefix, type TempHome } from '../support/hook-fixtures.ts';
import { closedPortUrl, startRedis, type PrivateRedis } from '../support/redis-server.ts';
import { CANARIES, MAIN_SESSION, mainSession, OTHER_SESSION, otherSession } from '../support/scripted-sessions.ts';

interface McpConnection {
  client: Client;
  /** Errors the client saw: a line on stdout that is not a protocol message is one. */
  protocolErrors: Error[];
  stderr(): string;
  /** Every text the server sent back in tool results. */
  answers: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** A successful call's JSON answer; fails the test on an error result. */
  json<T = Record<string, any>>(name: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

async function connectMcp(env: Record<string, string>): Promise<McpConnection> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp'], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'blueplane-mcp-test', version: '1.0.0' });
  const protocolErrors: Error[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
  const answers: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    for (const part of result.content) if (part.type === 'text') answers.push(part.text);
    return result;
  };
  return {
    client,
    protocolErrors,
    stderr: () => stderr,
    answers,
    call,
    async json(name, args) {
      const result = await call(name, args);
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      assert.ok(!result.isError, `${name} answered an error: ${text}\nserver stderr:\n${stderr}`);
      const parsed = JSON.parse(text);
      assert.deepEqual(result.structuredContent, parsed, 'the structured content and the JSON text are the same answer');
      return parsed;
    },
    close: () => client.close(),
  };
}

function errorText(result: CallToolResult): string {
  assert.equal(result.isError, true, `expected an error result, got ${JSON.stringify(result)}`);
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

describe('MCP server: `blueplane mcp` over stdio with the SDK client', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let env: Record<string, string>;
  let daemon: ForegroundDaemon | undefined;
  let mcp: McpConnection;
  let mainUuid: string;

  before(async () => {
    ensureBuiltCli();
    // The hooks' check above rebuilds only the hooks; this test runs the CLI bundle.
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `the CLI build failed:\n${build.stdout}${build.stderr}`);
    redis = await startRedis();
    client = new Redis(redis.url, { protocol: 2 });
    home = tempHome();
    const prefix = uniquePrefix();
    env = daemonEnv(home.path, redis.url, prefix);
    daemon = startForeground(env);
    const keys = redisKeys(prefix);
    const pipeline = client.pipeline();
    for (const event of [...otherSession(Date.now() - 120_000), ...mainSession(Date.now() - 60_000)]) pipeline.xadd(keys.events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    await waitFor('the main session as the current one', async () => {
      const current = await client.hgetall(keys.currentMetrics);
      return current.session_id === MAIN_SESSION && current.tool_calls === '6' ? true : undefined;
    }, 30_000, 50);
    mcp = await connectMcp(env);
    // The conversations worker stores both sessions' metrics; the debounced period views follow.
    await waitFor('both sessions stored', async () => {
      const page = await mcp.call('recent_sessions', {});
      return !page.isError && (page.structuredContent as { total: number }).total === 2 ? true : undefined;
    }, 30_000, 200);
    await waitFor('the 24h view with the failed Bash call', async () => {
      const patterns = await mcp.call('error_patterns', { period: '24h' });
      return !patterns.isError && (patterns.structuredContent as { errors: number }).errors === 1 ? true : undefined;
    }, 30_000, 200);
  });

  after(async () => {
    await mcp?.close();
    client?.disconnect();
    killIfAlive(daemon?.child.pid);
    if (home) {
      killLeftovers(home.path);
      home.remove();
    }
    await redis?.stop();
  });

  it('lists the six read-only tools, each with a title, a description and an input schema', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['acceptance_analysis', 'current_metrics', 'error_patterns', 'insights', 'recent_sessions', 'session_metrics']);
    for (const tool of tools) {
      assert.ok(tool.title && tool.title.length > 5, `${tool.name} has a title`);
      assert.ok(tool.description && tool.description.length > 80, `${tool.name} says when to use it`);
      assert.equal(tool.inputSchema.type, 'object');
      assert.equal(tool.annotations?.readOnlyHint, true, `${tool.name} is read-only`);
    }
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema as { properties?: Record<string, any>; required?: string[] }]));
    assert.deepEqual(byName.session_metrics!.required, ['session']);
    assert.deepEqual(byName.recent_sessions!.properties!.limit, { type: 'integer', minimum: 1, maximum: 100, default: 10, description: byName.recent_sessions!.properties!.limit.description });
    assert.deepEqual(byName.acceptance_analysis!.properties!.period.enum, ['1h', '24h', '7d', '30d', 'all']);
    assert.deepEqual(byName.error_patterns!.properties!.period.enum, ['1h', '24h', '7d', '30d']);
    assert.deepEqual(byName.insights!.properties!.type.enum, ['productivity', 'errors', 'patterns']);
    assert.deepEqual(byName.current_metrics!.properties ?? {}, {});
  });

  it('recent_sessions: both sessions, newest first; a platform filter; a page of one', async () => {
    const page = await mcp.json('recent_sessions', {});
    assert.equal(page.total, 2);
    assert.deepEqual(page.sessions.map((session: any) => session.session_id), [MAIN_SESSION, OTHER_SESSION]);
    const main = page.sessions[0];
    mainUuid = main.id;
    assert.equal(main.platform, 'claude_code');
    assert.equal(main.interaction_count, 3, 'three prompts');
    assert.equal(main.tool_call_count, 6);
    assert.equal(main.tool_error_count, 1, 'the failed Bash call');
    assert.equal(main.acceptance_rate, 2 / 3, 'two Edits kept of three decided proposals');
    assert.equal(main.total_lines_added, 5);
    assert.equal(main.total_lines_removed, 2);
    assert.equal(page.sessions[1].tool_call_count, 1);
    assert.equal((await mcp.json('recent_sessions', { platform: 'cursor' })).total, 0);
    const second = await mcp.json('recent_sessions', { limit: 1, offset: 1, project_hash: main.project_hash });
    assert.equal(second.total, 2);
    assert.deepEqual(second.sessions.map((session: any) => session.session_id), [OTHER_SESSION]);
  });

  it('current_metrics: the live numbers of the latest session', async () => {
    const { session } = await mcp.json('current_metrics');
    assert.equal(session.session_id, MAIN_SESSION);
    assert.equal(session.session_uuid, mainUuid);
    assert.equal(session.platform, 'claude_code');
    assert.equal(session.live.tool_calls, 6);
    assert.equal(session.live.tool_errors, 1);
    assert.deepEqual(session.live.acceptance_rate, { status: 'ok', value: 2 / 3 });
  });

  it('session_metrics: every metric of the session named by a unique prefix, per tool', async () => {
    const answer = await mcp.json('session_metrics', { session: MAIN_SESSION.slice(0, 13) });
    assert.equal(answer.session.id, mainUuid);
    const { metrics } = answer;
    assert.equal(metrics.usage.prompts, 3);
    assert.equal(metrics.usage.tool_calls, 6);
    const tools = metrics.usage.tools;
    assert.deepEqual(Object.keys(tools).sort(), ['Bash', 'Edit', 'Read', 'Write']);
    assert.deepEqual([tools.Read.calls, tools.Edit.calls, tools.Bash.calls, tools.Write.calls], [1, 2, 2, 1]);
    assert.deepEqual([tools.Read.failed, tools.Edit.failed, tools.Bash.failed, tools.Write.failed], [0, 0, 1, 0]);
    assert.equal(tools.Write.interrupted, 1);
    assert.equal(metrics.errors.errors, 1);
    assert.deepEqual(metrics.errors.error_classes, { interrupted: 1, non_zero_exit: 1 }, 'the failed Bash call and the interrupted Write');
    assert.deepEqual(metrics.acceptance.acceptance_rate, { status: 'ok', value: 2 / 3 });
    assert.equal(metrics.code.lines_added, 5);
    assert.equal(metrics.code.lines_removed, 2);
    assert.equal(metrics.quality.hook_errors, 1);
    // By the IDE's full session id as well as by Blueplane's UUID.
    assert.equal((await mcp.json('session_metrics', { session: MAIN_SESSION })).session.id, mainUuid);
    assert.equal((await mcp.json('session_metrics', { session: mainUuid })).session.session_id, MAIN_SESSION);
  });

  it('acceptance_analysis: per file type, over all time and over the last hour, with a file type filter', async () => {
    const all = await mcp.json('acceptance_analysis', {});
    assert.equal(all.period, 'all');
    assert.deepEqual([all.total.changes, all.total.accepted, all.total.rejected], [3, 2, 1]);
    assert.deepEqual(all.total.acceptance_rate, { status: 'ok', value: 2 / 3 });
    const byType = Object.fromEntries(all.by_file_type.map((entry: any) => [entry.file_type, entry]));
    assert.deepEqual(Object.keys(byType).sort(), ['.md', '.ts']);
    assert.deepEqual([byType['.ts'].changes, byType['.ts'].accepted, byType['.ts'].lines_added_accepted], [2, 2, 5]);
    assert.deepEqual(byType['.ts'].acceptance_rate, { status: 'ok', value: 1 });
    assert.deepEqual([byType['.md'].changes, byType['.md'].rejected], [1, 1]);
    assert.deepEqual(byType['.md'].acceptance_rate, { status: 'ok', value: 0 });
    assert.equal(byType['.ts'].time_to_accept_ms.value.count, 2);
    assert.equal(byType['.ts'].time_to_accept_ms.value.max, 2000);
    assert.equal(byType['.md'].time_to_reject_ms.value.max, 3000);
    const hour = await mcp.json('acceptance_analysis', { period: '1h', file_type: 'TS' });
    assert.equal(hour.total.file_type, '.ts');
    assert.deepEqual([hour.total.changes, hour.total.accepted], [2, 2]);
  });

  it('error_patterns: the failing tool and its error class over the period', async () => {
    const patterns = await mcp.json('error_patterns', { period: '24h' });
    assert.equal(patterns.scope, 'all');
    assert.equal(patterns.errors, 1);
    assert.deepEqual(patterns.tools.map((tool: any) => [tool.tool, tool.calls, tool.failed]), [['Bash', 2, 1]]);
    assert.deepEqual(patterns.error_classes, [
      { error_class: 'interrupted', count: 1 },
      { error_class: 'non_zero_exit', count: 1 },
    ]);
    assert.equal(patterns.hook_errors, 1);
    const frequent = await mcp.json('error_patterns', { period: '7d', min_frequency: 2, platform: 'claude_code' });
    assert.equal(frequent.scope, 'platform:claude_code');
    assert.deepEqual([frequent.tools, frequent.error_classes], [[], []], 'nothing failed twice');
  });

  it('insights: the hook error recorded about the session, by type and by session', async () => {
    const found = await waitFor('the hook-error insight of the session', async () => {
      const answer = await mcp.call('insights', { type: 'errors', session: MAIN_SESSION.slice(0, 13) });
      return !answer.isError && (answer.structuredContent as { total: number }).total > 0 ? (answer.structuredContent as Record<string, any>) : undefined;
    }, 30_000, 500).catch(async (error) => {
      throw new Error(`${error.message}; stored: ${JSON.stringify((await mcp.call('insights', { include_resolved: true, limit: 100 })).structuredContent)}`);
    });
    assert.equal(found.session.id, mainUuid);
    assert.deepEqual(found.insights.map((insight: any) => [insight.rule, insight.type, insight.scope]), [['hook_errors', 'errors', 'session']]);
    assert.equal(found.insights[0].evidence.hook_errors, 1);
    const everyScope = await mcp.json('insights', { type: 'errors', limit: 100 });
    assert.deepEqual([...new Set(everyScope.insights.filter((insight: any) => insight.rule === 'hook_errors').map((insight: any) => insight.scope))].sort(), ['all', 'platform', 'project', 'session']);
    assert.equal((await mcp.json('insights', { type: 'patterns', session: MAIN_SESSION })).total, 0);
  });

  it('bad input is an error result that says what is wrong, and the server keeps serving', async () => {
    assert.match(errorText(await mcp.call('session_metrics', { session: 'ffffffff-no-such-session' })), /No session matches 'ffffffff-no-such-session'.*recent_sessions/);
    const ambiguous = errorText(await mcp.call('session_metrics', { session: 'b1e2a3c4' }));
    assert.match(ambiguous, /'b1e2a3c4' matches 2 sessions; give more of the id/);
    for (const id of [MAIN_SESSION, OTHER_SESSION]) assert.ok(ambiguous.includes(id), `the candidates name ${id}`);
    assert.match(errorText(await mcp.call('recent_sessions', { limit: 101 })), /limit.*100|100.*limit/s);
    assert.match(errorText(await mcp.call('recent_sessions', { limit: 0 })), /limit/);
    assert.match(errorText(await mcp.call('error_patterns', { period: '2w' })), /period/);
    assert.match(errorText(await mcp.call('acceptance_analysis', { file_type: '../../etc' })), /file extension/);
    assert.match(errorText(await mcp.call('insights', { session: 'zzzz-unknown' })), /No session matches/);
    assert.match(errorText(await mcp.call('recent_sessions', { unknown_option: true })), /unknown_option/);
    assert.equal((await mcp.json('recent_sessions', { limit: 100 })).total, 2, 'still serving');
  });

  it('writes nothing but protocol messages to stdout, and no answer holds a prompt, command or path', () => {
    assert.deepEqual(mcp.protocolErrors.map(String), [], 'every stdout line was a JSON-RPC message');
    assert.ok(mcp.answers.length > 20);
    for (const text of mcp.answers) for (const canary of CANARIES) assert.ok(!text.includes(canary), `${canary} leaked into an answer`);
  });

  it('with Redis stopped, current_metrics and error_patterns say Redis is unreachable and how to fix it; the stored data still answers', async () => {
    const stop = await runCli(['stop'], env);
    assert.equal(stop.code, 0, stop.stderr);
    await daemon!.exited;
    daemon = undefined;
    client.disconnect();
    await redis.stop();
    const current = errorText(await mcp.call('current_metrics'));
    assert.match(current, /Redis is not reachable/);
    assert.match(current, /blueplane status/);
    assert.match(errorText(await mcp.call('error_patterns', {})), /Redis is not reachable/);
    assert.equal((await mcp.json('recent_sessions', {})).total, 2);
    assert.equal((await mcp.json('session_metrics', { session: MAIN_SESSION })).metrics.usage.prompts, 3);
    assert.equal((await mcp.json('acceptance_analysis', {})).total.changes, 3);
    assert.deepEqual(mcp.protocolErrors.map(String), []);
    for (const line of mcp.stderr().split('\n').filter(Boolean)) assert.match(line, /^blueplane mcp: /, 'only the server\'s own log lines on stderr');
  });

  it('`blueplane mcp --help` names the tools and how to register them; a stray argument is a usage error', async () => {
    const help = await runCli(['mcp', '--help'], env);
    assert.equal(help.code, 0, help.stderr);
    for (const name of ['current_metrics', 'session_metrics', 'acceptance_analysis', 'error_patterns', 'recent_sessions', 'insights', 'claude mcp add', '.cursor/mcp.json']) assert.ok(help.stdout.includes(name), `help names ${name}`);
    const stray = await runCli(['mcp', 'serve'], env);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /unexpected argument 'serve'/);
  });

  it('without a database yet, the stored-data tools say how to start; a Redis that is not there is named', async () => {
    const empty = tempHome();
    const fresh = await connectMcp(daemonEnv(empty.path, await closedPortUrl(), uniquePrefix()));
    try {
      const none = errorText(await fresh.call('recent_sessions', {}));
      assert.match(none, /no telemetry database yet/);
      assert.match(none, /blueplane start --detach/);
      assert.match(none, /blueplane hooks install/);
      assert.match(errorText(await fresh.call('insights', {})), /no telemetry database yet/);
      assert.match(errorText(await fresh.call('current_metrics')), /Redis is not reachable \(redis:\/\/127\.0\.0\.1:\d+\/?: connection refused\)/);
      assert.deepEqual(fresh.protocolErrors.map(String), []);
    } finally {
      await fresh.close();
      empty.remove();
    }
  });
});
