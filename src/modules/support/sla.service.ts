import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import type { AppConfig } from '../../config/app.config';
import { dueLabel, slaDue, type SlaInput } from './sla';

export interface DueView {
  kind: 'response' | 'resolution';
  kindLabel: string;
  at: number;
  text: string;
  overdue: boolean;
}

/** The SLA clock under this install's support hours (`SUPPORT_HOURS`, `SUPPORT_TIME_ZONE`), as pages show it. */
@Injectable()
export class SlaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private view(kind: 'response' | 'resolution', at: number | null, now: number): DueView | null {
    if (at === null) return null;
    return { kind, kindLabel: kind === 'response' ? 'First response' : 'Resolution', at, ...dueLabel(at, now) };
  }

  /** The next due time (first response, then resolution) and both targets; null ones are met or stopped. */
  of(ticket: SlaInput): { next: DueView | null; response: DueView | null; resolution: DueView | null } {
    const now = +this.clock.now();
    const due = slaDue(ticket, this.config.supportHours, this.config.supportTimeZone);
    return {
      next: due.next ? this.view(due.next.kind, due.next.at, now) : null,
      response: this.view('response', due.responseDue, now),
      resolution: this.view('resolution', due.resolutionDue, now),
    };
  }
}
