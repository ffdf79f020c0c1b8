// The rules engine: every rule over every comparison an input asks for (insight-input.ts). Pure:
// no I/O and no clock (the windows came from insightWindows(now) when the input was filled).
// Returns one entry per scope evaluated, empty ones included, so that recording them resolves
// the findings of that scope that no longer hold.
import { hookErrors } from './capture-rules.ts';
import type { ScopeFindings } from './finding.ts';
import { comparisonsOf, type InsightInput, type InsightRule } from './insight-input.ts';
import { slowTool } from './latency-rules.ts';
import { acceptanceDrop, highInterruptionRate, toolFailureSpike } from './rate-rules.ts';
import { frequentCompactions, tokenSpike } from './usage-rules.ts';

const RULES: readonly InsightRule[] = [toolFailureSpike, acceptanceDrop, highInterruptionRate, slowTool, frequentCompactions, tokenSpike, hookErrors];

export function deriveInsights(input: InsightInput): ScopeFindings[] {
  return comparisonsOf(input).map((comparison) => ({
    scope: comparison.scope,
    scopeKey: comparison.scopeKey,
    findings: RULES.flatMap((rule) => rule(comparison)),
  }));
}
