// What an insight is: a finding of one rule about one scope, with the numbers that support it.
// A rule's title comes from a template that interpolates numbers only, and evidence is a record
// of numbers, so a finding can carry neither content nor a file name even by accident: its other
// strings are the rule id and severity (closed lists), the scope key (an id or hash chosen by the
// caller) and the subject (a tool name, for per-tool rules). A provider's titles are its own
// words, about a summary that holds no content either (metrics-summary.ts).

export type InsightScope = 'session' | 'project' | 'platform' | 'all';

export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Where a finding came from: the built-in rules, or the optional LLM provider. */
export type InsightSource = 'rules' | 'provider';

/** Observed values, baselines, counts and the thresholds they were held against. Numbers only. */
export type Evidence = Readonly<Record<string, number>>;

/** True for a plain record of finite numbers: what evidence may be once it leaves the rules. */
export function isEvidence(value: unknown): value is Evidence {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((number) => typeof number === 'number' && Number.isFinite(number));
}

export interface Finding {
  rule: string;
  /** The tool a per-tool rule is about, '' otherwise; with rule and scope, the finding's identity. */
  subject: string;
  severity: Severity;
  title: string;
  evidence: Evidence;
}

/** Everything the rules found about one scope: an empty list means nothing holds any more. */
export interface ScopeFindings {
  scope: InsightScope;
  scopeKey: string;
  findings: Finding[];
}

/** "12.5%": a rate as a person reads it in a title. */
export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** "1 hook error", "3 hook errors": a count in a title. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "850 ms", "12.3 s": a latency as a person reads it in a title. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}
