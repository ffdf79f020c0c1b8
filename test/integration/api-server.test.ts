// The local REST + WebSocket API as a client sees it: a real daemon (own data folder, private
// Redis, API on a free port) fed two scripted Claude Code sessions, asked over real HTTP and
// WebSocket connections. Every documented endpoint answers what its OpenAPI schema says (ajv
// checks each answer against the served document), the numbers are the scripted sessions', the
// guard turns away what a web page or a stranger would send, bad parameters are 4xx with a
// message, pushes follow a new event, and nothing the hooks saw in clear text comes back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { buildEvent } from '../../core/capture/build-event.ts';
import { streamEntryFields } from '../../core/event/envelope.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { daemonEnv, ensureBuiltCli, killIfAlive, killLeftovers, startForeground, waitFor, type ForegroundDaemon } from '../support/daemon-process.ts';
import { tempHome, uniquePrefix, type TempHome } from '../support/hook-fixtures.ts';
import { startRedis, type PrivateRedis } from '../support/redis-server.ts';
import { CANARIES, MAIN_SESSION, mainSession, otherSession, PROJECT, SECRET } from '../support/scripted-sessions.ts';

interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

describe('local API: REST and WebSocket on the daemon', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let client: Redis;
  let home: TempHome;
  let prefix: string;
  let daemon: ForegroundDaemon | undefined;
  let port: number;
  let token: string;
  const answers: string[] = [];

  function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; auth?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(options.auth === false ? {} : { authorization: `Bearer ${token}` }), ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers }, (res) => {
        let text = '';
        res.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answers.push(text);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, text, json, headers: res.headers });
        });
      });
      req.on('error', reject);
      req.end(options.body);
    });
  }

  async function ok(path: string): Promise<any> {
    const answer = await call(path);
    assert.equal(answer.status, 200, `${path}: ${answer.text}`);
    return answer.json;
  }

  before(async () => {
    ensureBuiltCli();
    redis = await startRedis();
    client = new Redis(redis.url, { protocol: 2 });
    home = tempHome();
    prefix = uniquePrefix();
    daemon = startForeground(daemonEnv(home.path, redis.url, prefix));
    const pipeline = client.pipeline();
    for (const event of [...otherSession(Date.now() - 120_000), ...mainSession(Date.now() - 60_000)]) pipeline.xadd(redisKeys(prefix).events, '*', ...streamEntryFields(event));
    await pipeline.exec();
    port = await waitFor('api.json', async () => {
      try {
        return JSON.parse(readFileSync(join(home.path, 'api.json'), 'utf8')).port as number;
      } catch {
        return undefined;
      }
    }, 30_000, 50);
    token = readFileSync(join(home.path, 'api-token'), 'utf8').trim();
    await waitFor('both sessions and the 24h view', async () => {
      const sessions = await call('/api/v1/sessions');
      const errors = await call('/api/v1/analysis/errors?period=24h');
      return sessions.json?.total === 2 && errors.json?.errors === 1 ? true : undefined;
    }, 30_000, 200);
  });

  after(async () => {
    client?.disconnect();
    killIfAlive(daemon?.child.pid);
    if (home) {
      killLeftovers(home.path);
      home.remove();
    }
    await redis?.stop();
  });

  it('serves an OpenAPI document, and every documented GET answers what its schema says', async () => {
    const document = await ok('/api/v1/openapi.json');
    assert.equal(document.openapi, '3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/);
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    const checked: string[] = [];
    for (const [path, operations] of Object.entries<any>(document.paths)) {
      const get = operations.get;
      if (!get) continue;
      const schemaRef = get.responses['200'].content['application/json']?.schema?.$ref as string | undefined;
      const required = (get.parameters as Array<{ name: string; in: string; required: boolean }>).filter((parameter) => parameter.in === 'query' && parameter.required);
      const query = required.map((parameter) => `${parameter.name}=${parameter.name === 'format' ? 'json' : 'x'}`).join('&');
      const url = `/api/v1${path.replace('{sessionId}', MAIN_SESSION.slice(0, 13))}${query ? `?${query}` : ''}`;
      const answer = await call(url);
      assert.equal(answer.status, 200, `${url}: ${answer.text}`);
      if (schemaRef) {
        const validate = ajv.getSchema(schemaRef.replace('#/components/schemas/', '#/components/schemas/'))!;
        assert.ok(validate(answer.json), `${url} does not match ${schemaRef}: ${ajv.errorsText(validate.errors)}`);
      }
      checked.push(path);
    }
    assert.ok(checked.length >= 13, `checked ${checked.join(', ')}`);
    // Grouped and per-session views too.
    for (const url of ['/api/v1/metrics?group_by=platform', `/api/v1/metrics?session_id=${MAIN_SESSION}`, '/api/v1/metrics?period=1h&platform=claude_code']) {
      assert.ok(ajv.getSchema('#/components/schemas/MetricsResponse')!(await ok(url)), url);
    }
  });

  it("answers the scripted sessions' numbers: sessions, analysis, timeline, acceptance, errors, insights", async () => {
    const page = await ok('/api/v1/sessions?limit=1');
    assert.deepEqual([page.total, page.sessions.length], [2, 1]);
    const main = page.sessions[0];
    assert.equal(main.session_id, MAIN_SESSION, 'latest activity first');
    assert.deepEqual([main.interaction_count, main.tool_call_count, main.tool_error_count, main.total_lines_added, main.total_lines_removed], [3, 6, 1, 5, 2]);
    assert.equal(main.acceptance_rate, 2 / 3, 'two Edits accepted, the Write interrupted');
    assert.equal((await ok('/api/v1/sessions?limit=1&offset=1')).sessions[0].interaction_count, 1);
    assert.equal((await ok('/api/v1/sessions?min_acceptance=0.5')).total, 1);

    const analysis = await ok(`/api/v1/sessions/${MAIN_SESSION.slice(0, 13)}/analysis`);
    assert.equal(analysis.session.id, main.id);
    assert.deepEqual([analysis.metrics.usage.tools.Bash.calls, analysis.metrics.usage.tools.Bash.failed, analysis.metrics.usage.tools.Edit.calls], [2, 1, 2]);
    assert.equal(analysis.metrics.acceptance.time_to_accept_ms.value.p50, 1000);
    // The insights worker runs its rules every 10 s: the hook that could not read its input.
    await waitFor('the hook_errors finding of the session', async () => ((await ok(`/api/v1/sessions/${main.id}`)).insights.some((insight: { rule: string }) => insight.rule === 'hook_errors') ? true : undefined), 20_000, 200);
    assert.ok((await ok(`/api/v1/sessions/${main.id}/analysis`)).insights.some((insight: { rule: string }) => insight.rule === 'hook_errors'));

    const timeline = await ok(`/api/v1/sessions/${main.id}/timeline`);
    assert.deepEqual(timeline.entries.map((entry: { kind: string }) => entry.kind), ['turn', 'code_change', 'turn', 'code_change', 'code_change', 'turn']);
    assert.deepEqual(timeline.entries.filter((entry: { kind: string }) => entry.kind === 'code_change').map((entry: { outcome: string }) => entry.outcome), ['accepted', 'accepted', 'rejected']);

    const acceptance = await ok('/api/v1/analysis/acceptance?file_type=ts');
    assert.deepEqual([acceptance.total.changes, acceptance.total.accepted, acceptance.total.lines_added_accepted], [2, 2, 5]);
    const errors = await ok('/api/v1/analysis/errors?period=24h');
    assert.deepEqual(errors.tools.map((tool: { tool: string; failed: number }) => [tool.tool, tool.failed]), [['Bash', 1]]);
    const day = await ok('/api/v1/metrics?period=24h');
    assert.deepEqual([day.views[0].sessions, day.views[0].metrics.usage.prompts], [2, 4]);
    const insights = await ok(`/api/v1/insights?type=errors&session_id=${MAIN_SESSION}`);
    assert.ok(insights.insights.length >= 1 && insights.insights.every((insight: { type: string; scope: string }) => insight.type === 'errors' && insight.scope === 'session'));
  });

  it('turns away a missing or wrong token, a foreign Host (DNS rebinding) and a web page origin', async () => {
    const missing = await call('/api/v1/sessions', { auth: false });
    assert.equal(missing.status, 401);
    assert.match(missing.json.error.message, /api-token/);
    assert.equal((await call('/api/v1/sessions', { headers: { authorization: `Bearer ${'0'.repeat(64)}` } })).status, 401);
    assert.equal((await call('/api/v1/openapi.json', { auth: false })).status, 401, 'the document too');
    const rebinding = await call('/api/v1/sessions', { headers: { host: `evil.example:${port}` } });
    assert.equal(rebinding.status, 421);
    const page = await call('/api/v1/sessions', { headers: { origin: 'https://evil.example' } });
    assert.equal(page.status, 403);
    assert.match(page.json.error.message, /allowedOrigins/);
    assert.equal(page.headers['access-control-allow-origin'], undefined, 'no CORS grant');
    assert.equal((await call('/api/v1/sessions', { headers: { origin: 'vscode-webview://abc' } })).status, 200);
  });

  it('answers bad parameters, paths, methods and bodies with a 4xx that says what is wrong, and keeps serving', async () => {
    const cases: Array<[string, number, RegExp, { method?: string; body?: string; headers?: Record<string, string> }?]> = [
      ['/api/v1/sessions?limit=0', 400, /limit: 0 is below the minimum 1/],
      ['/api/v1/sessions?limit=ten', 400, /limit: 'ten' is not a whole number/],
      ['/api/v1/sessions?colour=blue', 400, /unknown parameter colour/],
      ['/api/v1/sessions?limit=1&limit=2', 400, /more than once/],
      ['/api/v1/sessions?since=yesterday', 400, /ISO-8601/],
      ['/api/v1/metrics?period=2d', 400, /not one of 1h, 24h, 7d, 30d/],
      ['/api/v1/metrics?platform=cursor&project_hash=abc', 400, /not both/],
      ['/api/v1/sessions/..%2F..%2Fetc/analysis', 400, /must match/],
      ['/api/v1/sessions/nope-nope/analysis', 404, /no session nope-nope/],
      ['/api/v1/export', 400, /format is required/],
      ['/api/v1/nothing', 404, /openapi\.json lists them/],
      ['/api/v1/sessions', 405, /POST is not allowed/, { method: 'POST', body: '{}' }],
      ['/api/v1/config', 400, /not valid JSON/, { method: 'POST', body: '{oops' }],
      ['/api/v1/config', 415, /application\/json/, { method: 'POST', body: 'a=1', headers: { 'content-type': 'text/plain' } }],
      ['/api/v1/config', 400, /cannot be set through the API/, { method: 'POST', body: JSON.stringify({ monitors: { claudeProjects: ['/etc'] } }) }],
      ['/api/v1/config', 400, /hook\.redisTimeoutMs must be a whole number/, { method: 'POST', body: JSON.stringify({ hook: { redisTimeoutMs: -5 } }) }],
      ['/api/v1/config', 413, /larger than/, { method: 'POST', body: JSON.stringify({ redisPrefix: 'x'.repeat(70_000) }) }],
    ];
    for (const [path, status, message, options] of cases) {
      const answer = await call(path, options);
      assert.equal(answer.status, status, `${path}: ${answer.text}`);
      assert.match(answer.json.error.message, message, path);
    }
    assert.equal((await call('/api/v1/health')).json.status, 'ok', 'still serving');
  });

  it('saves settings through POST /config without serving any path, and the file keeps what it had', async () => {
    const saved = await call('/api/v1/config', { method: 'POST', body: JSON.stringify({ hook: { redisTimeoutMs: 60 }, monitors: { cursor: false } }) });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.json.restart_required, true);
    const file = JSON.parse(readFileSync(join(home.path, 'config.json'), 'utf8'));
    assert.deepEqual([file.hook.redisTimeoutMs, file.monitors.cursor], [60, false]);
    const config = await ok('/api/v1/config');
    assert.equal(config.file.hook.redisTimeoutMs, 60);
    assert.ok(!JSON.stringify(config).includes(home.path), 'no path of this machine in the answer');
  });

  it('exports CSV and anonymized JSON of the processed data', async () => {
    const csv = await call('/api/v1/export?format=csv');
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.equal(csv.text.trim().split('\n').length, 3, 'a header and two sessions');
    assert.ok(csv.text.includes(MAIN_SESSION));
    const anonymous = await call('/api/v1/export?format=json&anonymize=true');
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.json.sessions.length, 2);
    assert.ok(!anonymous.text.includes(MAIN_SESSION), 'no stored identifier in an anonymized export');
  });

  it('pushes the live session over /ws/metrics and each stored event over /ws/events when a hook fires', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${port}/ws/metrics`);
    const refusal = await new Promise<number>((resolve) => refused.on('unexpected-response', (_request, response) => resolve(response.statusCode!)));
    assert.equal(refusal, 401);

    const open = (path: string): Promise<{ socket: WebSocket; messages: any[] }> =>
      new Promise((resolve, reject) => {
        // A browser cannot set headers on a WebSocket: the token rides in a subprotocol.
        const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, ['blueplane.v1', `blueplane.bearer.${token}`]);
        const messages: any[] = [];
        socket.on('message', (data) => {
          answers.push(String(data));
          messages.push(JSON.parse(String(data)));
        });
        socket.on('open', () => resolve({ socket, messages }));
        socket.on('error', reject);
      });
    const metrics = await open('/ws/metrics');
    const events = await open(`/ws/events?session_id=${MAIN_SESSION}`);
    const first = await waitFor('the first current message', async () => metrics.messages.find((message) => message.type === 'current'), 5000, 20);
    assert.equal(first.session.session_id, MAIN_SESSION);
    const before = first.session.live.tool_calls;

    const hook = (seconds: number, payload: Record<string, unknown>) =>
      buildEvent({ session_id: MAIN_SESSION, cwd: PROJECT, permission_mode: 'default', ...payload }, { platform: 'claude_code', env: { CLAUDE_PROJECT_DIR: PROJECT }, secret: SECRET, now: Date.now() + seconds });
    const sent = [
      hook(0, { hook_event_name: 'PreToolUse', tool_name: 'Grep', tool_input: { pattern: 'canary' }, tool_use_id: 'toolu_ws_1' }),
      hook(5, { hook_event_name: 'PostToolUse', tool_name: 'Grep', tool_input: { pattern: 'canary' }, tool_response: { numFiles: 1 }, tool_use_id: 'toolu_ws_1' }),
    ];
    for (const event of sent) await client.xadd(redisKeys(prefix).events, '*', ...streamEntryFields(event));
    const pushed = await waitFor('a pushed current session with the new call', async () => metrics.messages.find((message) => message.type === 'current' && message.session?.live.tool_calls === before + 1), 15_000, 20);
    assert.equal(pushed.session.session_id, MAIN_SESSION);
    const streamed = await waitFor('both events on /ws/events', async () => (events.messages.filter((message) => message.type === 'event').length >= 2 ? events.messages : undefined), 15_000, 20);
    assert.deepEqual(streamed.map((message) => message.event_id), sent.map((event) => event.event_id));
    assert.deepEqual(streamed.map((message) => message.event_type), ['tool_start', 'tool_use']);
    metrics.socket.close();
    events.socket.close();
  });

  after(() => {
    // Every body the API and its WebSockets sent in this file.
    for (const text of answers) for (const canary of CANARIES) assert.ok(!text.includes(canary), `${canary} leaked into an API answer`);
  });
});
