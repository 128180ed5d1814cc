import { EntityManager, MikroORM } from '@mikro-orm/better-sqlite';
import { RequestContext } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../../common/clock';
import { runWithRequestInfo, systemActor } from '../../common/request-info';
import type { JobCounts, JobSpec, JobTrigger } from './job.decorator';
import { Sql } from '../database/sql';

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
    private readonly sql: Sql,
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

  private get em(): EntityManager {
    return this.orm.em.getContext() as EntityManager;
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
      error = err instanceof Error ? err.message : String(err);
      this.logger.error({ err, job: spec.name }, `Job ${spec.name} failed`);
    } finally {
      await this.finish(runId, outcome, counts, error ?? null).catch((err: Error) =>
        this.logger.error({ err, job: spec.name }, 'Could not record the end of a job run'),
      );
      await this.em
        .execute('delete from job_leases where name = ? and holder = ?', [spec.name, holder])
        .catch((err: Error) => this.logger.error({ err, job: spec.name }, 'Could not release a job lease'));
    }
    return { outcome, runId, counts, error };
  }

  /** One conditional statement: takes a free or expired lease, never one another holder still has. */
  private async acquire(spec: JobSpec, holder: string, now: number): Promise<boolean> {
    const expiresAt = now + (spec.leaseSeconds ?? 600) * 1000;
    const result = await this.sql.all<{ name: string }>(
      `insert into job_leases (name, holder, acquired_at, expires_at) values (?, ?, ?, ?)
       on conflict (name) do update set holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       where job_leases.expires_at <= ?
       returning name`,
      [spec.name, holder, now, expiresAt, now],
    );
    return result.length === 1;
  }

  private async insertRun(name: string, trigger: JobTrigger, startedAt: number, outcome: string, error: string | null) {
    const rows = await this.sql.all<{ id: number }>(
      `insert into job_runs (name, trigger, started_at, finished_at, outcome, error) values (?, ?, ?, ?, ?, ?) returning id`,
      [name, trigger, startedAt, outcome === 'running' ? null : startedAt, outcome, error],
    );
    return rows[0].id;
  }

  private async finish(runId: number, outcome: JobOutcome, counts: JobCounts, error: string | null) {
    await this.sql.run(`update job_runs set finished_at = ?, outcome = ?, counts = ?, error = ? where id = ?`, [
      +this.clock.now(),
      outcome,
      JSON.stringify(counts),
      error?.slice(0, 1000) ?? null,
      runId,
    ]);
    // Keep the recent history of each job only.
    await this.sql.run(
      `delete from job_runs where name = (select name from job_runs where id = ?)
         and id < (select id from job_runs where name = (select name from job_runs where id = ?) order by id desc limit 1 offset ?)`,
      [runId, runId, KEEP_RUNS - 1],
    );
  }
}
