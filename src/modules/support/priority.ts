import type { Level } from './tickets.repository';

const WEIGHT: Record<Level, number> = { low: 1, normal: 2, high: 3 };

/**
 * Priority from the customer's urgency and the agent's impact (urgency ×
 * impact, 1 to 9): 9 is P1, 6 is P2, 3 or 4 is P3, 1 or 2 is P4.
 */
export function priorityOf(urgency: Level, impact: Level): number {
  const score = WEIGHT[urgency] * WEIGHT[impact];
  if (score >= 9) return 1;
  if (score >= 6) return 2;
  if (score >= 3) return 3;
  return 4;
}
