import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AuditService } from '../audit/audit.service';
import { JobRegistry } from './job-registry';
import type { JobTrigger } from './job.decorator';
import type { JobRunResult } from './job-runner';
import { JobsRepository, type JobRunRow } from './jobs.repository';

export type { JobRunRow } from './jobs.repository';

export interface JobOverview {
  name: string;
  cron: string;
  description: string;
  nextRunAt: Date | null;
  lastRun: JobRunRow | null;
  history: JobRunRow[];
}

const HISTORY = 10;

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly registry: JobRegistry,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Every job with its schedule, next run and recent runs, in one query. */
  async overview(): Promise<JobOverview[]> {
    const rows = await this.jobs.recentRuns(HISTORY);
    const byName = new Map<string, JobRunRow[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
    const now = this.clock.now();
    return this.registry.list().map(({ spec }) => {
      const history = byName.get(spec.name) ?? [];
      return {
        name: spec.name,
        cron: spec.cron,
        description: spec.description,
        nextRunAt: this.registry.nextRun(spec, now),
        lastRun: history[0] ?? null,
        history,
      };
    });
  }

  /** How many registered jobs failed their last run (operators' dashboard). */
  async failingCount(): Promise<number> {
    const last = await this.jobs.lastOutcomes(this.registry.list().map(({ spec }) => spec.name));
    return last.filter((run) => run.outcome === 'failed').length;
  }

  /**
   * Runs a job now, for an operator (Run now) or the CLI (jobs:run); tests
   * pass 'schedule' to stand in for the clock. Who asked is audited first: the
   * run's own entries name the job as their actor.
   */
  async runNow(name: string, trigger: JobTrigger = 'manual'): Promise<JobRunResult> {
    const job = this.registry.get(name);
    if (trigger !== 'schedule') {
      await this.audit.record({
        action: 'job.run_requested',
        target: { type: 'job', id: null, label: name },
        organizationId: null,
        details: { trigger },
      });
    }
    return job.invoke(trigger);
  }
}
