import assert from 'node:assert/strict';
import { describeScope, formatEvidence, formatInsights } from '../../core/cli/insights-report.ts';
import { formatSessionsPage } from '../../core/cli/sessions-report.ts';
import type { ConversationRow } from '../../core/conversations/conversation-rows.ts';
import type { InsightAnswer } from '../../core/query/insights-query.ts';

const row = (overrides: Partial<ConversationRow>): ConversationRow => ({
  id: '019aa000-0000-7000-8000-000000000001',
  session_id: '7f3c2a10-1b2c-4d5e-8f90-123456789abc',
  platform: 'claude_code',
  project_hash: 'p1',
  workspace_hash: null,
  created_at: '2026-12-04T21:00:00.000Z',
  updated_at: '2026-12-04T21:05:30.000Z',
  ended_at: null,
  end_reason: null,
  interaction_count: 2,
  turn_count: 2,
  tool_call_count: 3,
  tool_error_count: 1,
  acceptance_rate: 0.5,
  total_lines_added: 3,
  total_lines_removed: 1,
  total_tokens: 1365,
  cost_usd: 0.0123,
  ...overrides,
});

describe('sessions report', () => {
  it('prints one line per session with its totals, and the command for the next page', () => {
    const text = formatSessionsPage({ total: 3, limit: 1, offset: 0, sessions: [row({})] }, 'blueplane sessions --limit 1 --offset 1');
    const lines = text.split('\n');
    assert.equal(lines[0], 'Sessions 1-1 of 3, latest activity first');
    assert.deepEqual(lines[2]!.trim().split(/\s{2,}/), ['7f3c2a10', 'claude_code', '2026-12-04 21:00', '2026-12-04 21:05', '2', '3', '1', '50.0 %', '+3 -1', '1,365', '$0.0123']);
    assert.match(text, /Next page: `blueplane sessions --limit 1 --offset 1`/);
  });

  it('reads n/a where a session has no acceptance rate or token data, explains it, and says when the page is the last', () => {
    const text = formatSessionsPage({ total: 1, limit: 20, offset: 0, sessions: [row({ platform: 'cursor', acceptance_rate: null, total_tokens: null, cost_usd: null })] }, undefined);
    const cells = text.split('\n')[2]!.trim().split(/\s{2,}/);
    assert.deepEqual(cells.slice(7), ['n/a', '+3 -1', 'n/a', 'n/a']);
    assert.match(text, /n\/a: acceptance needs a decided edit proposal/);
    assert.match(text, /Last page\./);
  });

  it('says what to check when nothing matches', () => {
    assert.match(formatSessionsPage({ total: 0, limit: 20, offset: 0, sessions: [] }, undefined), /No sessions match.*blueplane status/);
  });
});

describe('insights report', () => {
  const insight: InsightAnswer = {
    id: '019aa000-0000-7000-8000-0000000000aa',
    type: 'errors',
    rule: 'hook_errors',
    subject: '',
    severity: 'warning',
    scope: 'session',
    scope_key: 'claude_code:7f3c2a10-1b2c-4d5e-8f90-123456789abc',
    title: '1 hook error: capture is degraded',
    evidence: { hook_errors: 1, events: 11, share: 0.0909090909 },
    source: 'rules',
    first_detected_at: '2026-12-04T21:00:00.000Z',
    last_detected_at: '2026-12-04T21:10:00.000Z',
    resolved_at: null,
  };

  it('names the scope a finding is about', () => {
    assert.equal(describeScope(insight), 'session 7f3c2a10 (claude_code)');
    assert.equal(describeScope({ scope: 'platform', scope_key: 'cursor' }), 'platform cursor');
    assert.equal(describeScope({ scope: 'project', scope_key: '0123456789abcdef0123' }), 'project 0123456789ab');
    assert.equal(describeScope({ scope: 'all', scope_key: 'all' }), 'all sessions');
  });

  it('lists severity, title, scope, rule, when it was seen and every evidence number', () => {
    assert.equal(formatEvidence(insight.evidence), 'hook_errors 1, events 11, share 0.0909');
    const text = formatInsights({ total: 1, offset: 0, insights: [insight] }, false, undefined);
    assert.match(text, /^Insights 1-1 of 1 \(open\), latest first/);
    assert.match(text, /\[warning\] 1 hook error: capture is degraded/);
    assert.match(text, /session 7f3c2a10 \(claude_code\) · errors\/hook_errors · seen 2026-12-04 21:00 to 2026-12-04 21:10/);
    assert.match(text, /evidence: hook_errors 1, events 11, share 0\.0909/);
  });

  it('says how the rules run, and about --all, when nothing is open', () => {
    assert.match(formatInsights({ total: 0, offset: 0, insights: [] }, false, undefined), /No open insights match.*--all includes resolved ones/);
  });
});
