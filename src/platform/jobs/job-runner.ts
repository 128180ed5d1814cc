import { MikroORM } from '@mikro-orm/better-sqlite';
import { RequestContext } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { runWithRequestInfo, systemActor } from '../../common/request-info';
import type { JobCounts, JobSpec, JobTrigger } from './job.decorator';
import { JobsRepository } from './jobs.repository';
import { safeErrorMessage } from '../../common/error-info';

export type JobOutcome = 'succeeded' | 'failed' | 'skipped';

export interface JobRunResult {
  outcome: JobOutcome;
  runId: number | null;
  counts: JobCounts;
  error?: string;
}

const KEEP_RUNS = 200;

/**
 * Runs a job under a lease held in the database (so two processes never run
 * the same job at once, and a crashed run's lease simply expires) and records
 * each run: start, end, outcome, counts, error.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  // One id per process: the lease's holder.
  private readonly processId = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async run(
    spec: JobSpec,
    body: () => Promise<JobCounts | void>,
    trigger: JobTrigger = 'schedule',
  ): Promise<JobRunResult> {
    return RequestContext.create(this.orm.em, () =>
      runWithRequestInfo({ actor: systemActor(`job:${spec.name}`) }, () => this.runLeased(spec, body, trigger)),
    );
  }

  private async runLeased(spec: JobSpec, body: () => Promise<JobCounts | void>, trigger: JobTrigger) {
    const holder = `${this.processId}-${randomBytes(4).toString('hex')}`;
    const startedAt = +this.clock.now();
    if (!(await this.acquire(spec, holder, startedAt))) {
      const runId = await this.insertRun(
        spec.name,
        trigger,
        startedAt,
        'skipped',
        'Another run of this job holds the lease.',
      );
      return { outcome: 'skipped' as const, runId, counts: {} };
    }
    const runId = await this.insertRun(spec.name, trigger, startedAt, 'running', null);
    let outcome: JobOutcome = 'succeeded';
    let counts: JobCounts = {};
    let error: string | undefined;
    try {
      counts = (await body()) ?? {};
    } catch (err) {
      outcome = 'failed';
      // Shown on the jobs page and by `jobs`: a database error's SQL and values never are.
      error = safeErrorMessage(err);
      this.logger.error({ err, job: spec.name }, `Job ${spec.name} failed`);
    } finally {
      await this.finish(runId, outcome, counts, error ?? null).catch((err: Error) =>
        this.logger.error({ err, job: spec.name }, 'Could not record the end of a job run'),
      );
      await this.jobs
        .releaseLease(spec.name, holder)
        .catch((err: Error) => this.logger.error({ err, job: spec.name }, 'Could not release a job lease'));
    }
    return { outcome, runId, counts, error };
  }

  private acquire(spec: JobSpec, holder: string, now: number): Promise<boolean> {
    return this.jobs.acquireLease(spec.name, holder, now, now + (spec.leaseSeconds ?? 600) * 1000);
  }

  private insertRun(name: string, trigger: JobTrigger, startedAt: number, outcome: string, error: string | null) {
    const finishedAt = outcome === 'running' ? null : startedAt;
    return this.jobs.insertRun({ name, trigger, startedAt, finishedAt, outcome, error });
  }

  // Keeps the recent history of each job only.
  private finish(runId: number, outcome: JobOutcome, counts: JobCounts, error: string | null) {
    const end = {
      finishedAt: +this.clock.now(),
      outcome,
      counts: JSON.stringify(counts),
      error: error?.slice(0, 1000) ?? null,
    };
    return this.jobs.finishRun(runId, end, KEEP_RUNS);
  }
}
