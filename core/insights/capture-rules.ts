// The rule about Blueplane itself: hook errors mean events reached us as a hook_error record
// instead of the event (input too large, unreadable, not JSON…), so every other number of the
// scope undercounts. Any error is worth saying; many are critical.
import { counted, percent, type Finding } from './finding.ts';
import type { Comparison } from './insight-input.ts';

export const HOOK_ERRORS = {
  /** One is enough: each stands for an event that is missing from every metric. */
  minErrors: 1,
  /** One event in twenty lost, and at least five of them: rates of the scope are not trustworthy. */
  criticalShare: 0.05,
  criticalMinErrors: 5,
} as const;

export function hookErrors({ current }: Comparison): Finding[] {
  const rule = HOOK_ERRORS;
  const { hook_errors: errors, events } = current.quality;
  if (errors < rule.minErrors || events === 0) return [];
  const share = errors / events;
  return [
    {
      rule: 'hook_errors',
      subject: '',
      severity: errors >= rule.criticalMinErrors && share >= rule.criticalShare ? 'critical' : 'warning',
      title: `${counted(errors, 'hook error')} in ${events} events (${percent(share)}): capture is missing data`,
      evidence: { hook_errors: errors, events, share, min_errors: rule.minErrors, critical_share: rule.criticalShare },
    },
  ];
}
