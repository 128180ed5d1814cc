import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import type { AppConfig } from '../../config/app.config';
import { businessMsBetween, dueLabel, slaDue, type SlaInput, type SupportHours } from './sla';

export interface DueView {
  kind: 'response' | 'resolution';
  kindLabel: string;
  at: number;
  text: string;
  overdue: boolean;
  /** Pending: the clock stands still ("paused" instead of a countdown). */
  paused: boolean;
}

function dueView(kind: 'response' | 'resolution', at: number | null, now: number, paused: boolean): DueView | null {
  if (at === null) return null;
  const label = paused ? { text: 'paused', overdue: false } : dueLabel(at, now);
  return { kind, kindLabel: kind === 'response' ? 'First response' : 'Resolution', at, paused, ...label };
}

/** A ticket's SLA as pages show it at `now`: the next due time (first response, then resolution) and both. */
export function slaView(ticket: SlaInput, hours: SupportHours, zone: string, now: number) {
  const due = slaDue(ticket, hours, zone, now);
  return {
    next: due.next ? dueView(due.next.kind, due.next.at, now, due.paused) : null,
    response: dueView('response', due.responseDue, now, due.paused),
    resolution: dueView('resolution', due.resolutionDue, now, due.paused),
  };
}

/**
 * The SLA clock under this install's support hours (`SUPPORT_HOURS`,
 * `SUPPORT_TIME_ZONE`, `SUPPORT_HOLIDAYS`), as pages show it.
 */
@Injectable()
export class SlaService {
  private readonly hours: SupportHours;
  private readonly zone: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.hours = { ...config.supportHours, holidays: config.supportHolidays };
    this.zone = config.supportTimeZone;
  }

  /** The next due time (first response, then resolution) and both targets; null ones are met or stopped. */
  of(ticket: SlaInput): { next: DueView | null; response: DueView | null; resolution: DueView | null } {
    return slaView(ticket, this.hours, this.zone, +this.clock.now());
  }

  /** The business seconds from `since` to `until` (a pending period ending), for `sla_paused_seconds`. */
  businessSeconds(since: number, until: number): number {
    return Math.round(businessMsBetween(since, until, this.hours, this.zone) / 1000);
  }
}
