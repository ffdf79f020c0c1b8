// The optional LLM provider: an interface a plug-in can implement to add findings the rules do not
// know. Off by default: with no provider nothing is built, sent or awaited, and nothing leaves the
// machine. A provider receives only summarizeMetrics' summary (numbers, tool and model names,
// closed vocabularies) and its answer is untrusted: each finding is checked against the same
// shape as a rule's (rule id, severity, a short one-line title, evidence of finite numbers, a
// scope the summary holds, a subject that is one of the summary's tool names) and dropped if it
// does not fit.
import { isEvidence, SEVERITIES, type Evidence, type Finding, type InsightScope, type ScopeFindings, type Severity } from './finding.ts';
import { comparisonsOf, type InsightInput } from './insight-input.ts';
import { summarizeMetrics, type MetricsSummary } from './metrics-summary.ts';

export interface ProviderFinding {
  scope: InsightScope;
  rule: string;
  /** A tool name from the summary, or '' / absent. */
  subject?: string;
  severity: Severity;
  title: string;
  evidence: Evidence;
}

export interface InsightProvider {
  /** Shown in logs; a short identifier, e.g. "local-llm". */
  readonly name: string;
  /** Extra findings about the summarized scopes. Must give up when `signal` aborts. */
  findings(summary: MetricsSummary, signal: AbortSignal): Promise<readonly ProviderFinding[]>;
}

/** A provider that has not answered by then is abandoned: insights must not wait on a network. */
export const PROVIDER_TIMEOUT_MS = 30_000;

/** Rule ids and evidence keys: snake_case identifiers, like the rules' own. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,47}$/;
/** One line, short enough for a list row. */
const MAX_TITLE_CHARS = 160;

function isValid(finding: ProviderFinding, scopes: ReadonlySet<string>, tools: ReadonlySet<string>): boolean {
  const subject = finding.subject ?? '';
  return (
    scopes.has(finding.scope) &&
    typeof finding.rule === 'string' &&
    IDENTIFIER.test(finding.rule) &&
    SEVERITIES.includes(finding.severity) &&
    typeof finding.title === 'string' &&
    finding.title.length > 0 &&
    finding.title.length <= MAX_TITLE_CHARS &&
    !/[\r\n]/.test(finding.title) &&
    (subject === '' || tools.has(subject)) &&
    isEvidence(finding.evidence) &&
    Object.keys(finding.evidence).every((key) => IDENTIFIER.test(key))
  );
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/**
 * Asks the provider about the input's scopes. No provider: [] and nothing else happens. Otherwise
 * one entry per scope of the input (to be recorded with source 'provider'), holding the valid
 * findings about it. A provider that fails or times out rejects, and then nothing must be
 * recorded: an empty answer would resolve the provider's earlier findings.
 */
export async function askProvider(provider: InsightProvider | undefined, input: InsightInput, timeoutMs: number = PROVIDER_TIMEOUT_MS): Promise<ScopeFindings[]> {
  if (!provider) return [];
  const summary = summarizeMetrics(input);
  const signal = AbortSignal.timeout(timeoutMs);
  // Raced, so that a provider ignoring its signal cannot hold the worker either.
  const answer = await Promise.race([provider.findings(summary, signal), rejectOnAbort(signal)]);
  const comparisons = comparisonsOf(input);
  const scopes = new Set(comparisons.map((comparison) => comparison.scope));
  const tools = new Set(summary.views.flatMap((view) => view.tools.map((tool) => tool.tool)));
  const valid = answer.filter((finding) => isValid(finding, scopes, tools));
  return comparisons.map(({ scope, scopeKey }) => ({
    scope,
    scopeKey,
    findings: valid
      .filter((finding) => finding.scope === scope)
      .map((finding): Finding => ({ rule: finding.rule, subject: finding.subject ?? '', severity: finding.severity, title: finding.title, evidence: { ...finding.evidence } })),
  }));
}
