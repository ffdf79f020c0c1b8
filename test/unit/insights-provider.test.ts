import assert from 'node:assert/strict';
import type { InsightInput } from '../../core/insights/insight-input.ts';
import { askProvider, type InsightProvider, type ProviderFinding } from '../../core/insights/insight-provider.ts';
import { MODEL_NUMBERS, OTHER_NAME, SUMMARY_NUMBERS, TOOL_NUMBERS, type MetricsSummary } from '../../core/insights/metrics-summary.ts';
import { aggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { claudeActivity, sessionMetrics, type Activity } from './insights-builders.ts';
import { OPUS, priceOf } from './metrics-builders.ts';

const CANARY = 'CANARY-c4n4ry';

const ACTIVITY: Activity = {
  prompts: 12,
  tokensPerPrompt: 2000,
  tools: [
    { tool: 'Bash', runs: 12, failures: 5, latencyMs: (i) => 100 * (i + 1) },
    { tool: 'Read', runs: 6, interrupts: 1, latencyMs: () => 15 },
    // A tool "name" that is really a path: it must reach the provider as "other".
    { tool: `/home/${CANARY}/deploy.sh`, runs: 2 },
  ],
  edits: { accepted: 3, rejected: 2 },
  compactions: 2,
  hookErrors: 1,
  activeSeconds: 1800,
};

/** Every id, hash and key a session can carry, planted with the canary. */
function canarySession(id: string, startSeconds: number) {
  const builder = claudeActivity(`${CANARY}-session-${id}`, ACTIVITY, {
    startSeconds,
    idPrefix: `${CANARY}-id-`,
    metadata: {
      project_hash: `${CANARY}-project`,
      workspace_hash: `${CANARY}-workspace`,
      agent_id: `${CANARY}-agent`,
      prompt_id: `${CANARY}-prompt`,
      generation_id: `${CANARY}-generation`,
    },
  });
  builder.add('subagent_start', startSeconds + 5, { subagent_type: `${CANARY}-type` });
  return sessionMetrics(builder);
}

function canaryInput(): InsightInput {
  const session = canarySession('now', 100_000);
  const earlier = canarySession('earlier', 0);
  const recent = aggregateMetrics([session], { priceOf });
  const baseline = aggregateMetrics([earlier], { priceOf });
  return {
    session,
    project: { key: `${CANARY}-project`, recent, baseline },
    platform: { key: 'claude_code', recent, baseline },
    all: { key: 'all', recent, baseline },
  };
}

class RecordingProvider implements InsightProvider {
  readonly name = 'recording';
  readonly summaries: MetricsSummary[] = [];
  private readonly answer: readonly ProviderFinding[];
  constructor(answer: readonly ProviderFinding[] = []) {
    this.answer = answer;
  }
  findings(summary: MetricsSummary): Promise<readonly ProviderFinding[]> {
    this.summaries.push(summary);
    return Promise.resolve(this.answer);
  }
}

/** Every string in a JSON value, object keys apart from values. */
function strings(value: unknown, keys: Set<string>, values: Set<string>): void {
  if (typeof value === 'string') values.add(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, keys, values);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      keys.add(key);
      strings(item, keys, values);
    }
  }
}

describe('insights: the optional LLM provider', () => {
  it('is off by default: without a provider there is nothing to ask and no finding', async () => {
    assert.deepEqual(await askProvider(undefined, canaryInput()), []);
  });

  it('receives numbers, tool and model names and closed vocabularies only, never an id or hash', async () => {
    const input = canaryInput();
    const planted = JSON.stringify(input);
    for (const where of ['session-now', 'project', 'workspace', 'id-file-']) assert.ok(planted.includes(`${CANARY}-${where}`), `the input carries the canary in ${where}`);
    const provider = new RecordingProvider();
    await askProvider(provider, input);
    assert.equal(provider.summaries.length, 1);
    const summary = provider.summaries[0]!;
    const text = JSON.stringify(summary);
    assert.ok(!text.includes(CANARY), 'a planted id or hash reached the provider');
    const keys = new Set<string>();
    const values = new Set<string>();
    strings(summary, keys, values);
    const allowedKeys = new Set<string>(['views', 'scope', 'window', 'sessions', 'numbers', 'tools', 'tool', 'models', 'model', ...SUMMARY_NUMBERS, ...TOOL_NUMBERS, ...MODEL_NUMBERS]);
    assert.deepEqual([...keys].filter((key) => !allowedKeys.has(key)), []);
    const allowedValues = new Set(['session', 'project', 'platform', 'all', '24h', 'baseline_7d', 'Bash', 'Read', 'Edit', OTHER_NAME, OPUS]);
    assert.deepEqual([...values].filter((value) => !allowedValues.has(value)), []);
    assert.ok(values.has(OTHER_NAME), 'the path-like tool name is replaced');
    // The numbers are there: the session's Bash failures and its priced tokens.
    const sessionView = summary.views.find((view) => view.window === 'session')!;
    assert.deepEqual(sessionView.tools.find((tool) => tool.tool === 'Bash')!.numbers.failed, 5);
    assert.equal(sessionView.numbers.input_tokens, 24_000);
    assert.deepEqual(
      summary.views.map((view) => `${view.scope} ${view.window}`),
      ['session session', 'project 24h', 'project baseline_7d', 'platform 24h', 'platform baseline_7d', 'all 24h', 'all baseline_7d'],
    );
  });

  it('keeps only findings of the rules\' shape, keyed back to the input\'s scopes', async () => {
    const good: ProviderFinding = { scope: 'project', rule: 'bash_retries', subject: 'Bash', severity: 'info', title: 'Bash failed 5 of 12 runs', evidence: { failed: 5, runs: 12 } };
    const bad: ProviderFinding[] = [
      { ...good, scope: 'workspace' as never },
      { ...good, rule: 'Not An Id' },
      { ...good, severity: 'urgent' as never },
      { ...good, title: 'line one\nline two' },
      { ...good, title: 'x'.repeat(161) },
      { ...good, subject: 'deploy.sh' },
      { ...good, evidence: { failed: 'five' } as never },
      { ...good, evidence: { 'key with spaces': 1 } },
      { ...good, evidence: { ratio: Number.POSITIVE_INFINITY } },
    ];
    const result = await askProvider(new RecordingProvider([...bad, good, { ...good, scope: 'session', subject: undefined }]), canaryInput());
    assert.deepEqual(
      result.map((entry) => [entry.scope, entry.scopeKey, entry.findings.map((finding) => `${finding.rule}/${finding.subject}/${finding.severity}`)]),
      [
        ['session', `claude_code:${CANARY}-session-now`, ['bash_retries//info']],
        ['project', `${CANARY}-project`, ['bash_retries/Bash/info']],
        ['platform', 'claude_code', []],
        ['all', 'all', []],
      ],
    );
    assert.deepEqual(result[1]!.findings[0]!.evidence, { failed: 5, runs: 12 });
  });

  it('gives up on a provider that does not answer in time, so that nothing is recorded', async () => {
    const silent: InsightProvider = { name: 'silent', findings: () => new Promise(() => {}) };
    await assert.rejects(askProvider(silent, canaryInput(), 20), (error: Error) => error.name === 'TimeoutError');
    const failing: InsightProvider = { name: 'failing', findings: () => Promise.reject(new Error('offline')) };
    await assert.rejects(askProvider(failing, canaryInput()), /offline/);
  });
});
