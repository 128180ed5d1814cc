import { Injectable } from '@nestjs/common';
import { Sql } from '../database/sql';
import type { JobTrigger } from './job.decorator';

export interface JobRunRow {
  id: number;
  name: string;
  trigger: JobTrigger;
  startedAt: number;
  finishedAt: number | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'skipped';
  counts: string | null;
  error: string | null;
}

/** The last run's outcome of `count` jobs by name (also run by bench/floor.ts). */
export const lastOutcomesSql = (count: number) =>
  Array.from(
    { length: count },
    () => 'select * from (select name, outcome from job_runs where name = ? order by id desc limit 1)',
  ).join(' union all ');

/** Job leases and run history. */
@Injectable()
export class JobsRepository {
  constructor(private readonly sql: Sql) {}

  /** One conditional statement: takes a free or expired lease, never one another holder still has. */
  async acquireLease(name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
    const rows = await this.sql.all(
      `insert into job_leases (name, holder, acquired_at, expires_at) values (?, ?, ?, ?)
       on conflict (name) do update set holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       where job_leases.expires_at <= ?
       returning name`,
      [name, holder, now, expiresAt, now],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.sql.run('delete from job_leases where name = ? and holder = ?', [name, holder]);
  }

  async insertRun(run: {
    name: string;
    trigger: JobTrigger;
    startedAt: number;
    finishedAt: number | null;
    outcome: string;
    error: string | null;
  }): Promise<number> {
    const row = await this.sql.get<{ id: number }>(
      `insert into job_runs (name, trigger, started_at, finished_at, outcome, error) values (?, ?, ?, ?, ?, ?) returning id`,
      [run.name, run.trigger, run.startedAt, run.finishedAt, run.outcome, run.error],
    );
    return row!.id;
  }

  /** Records the end of a run and keeps only the newest `keep` runs of that job. */
  async finishRun(
    runId: number,
    end: { finishedAt: number; outcome: string; counts: string; error: string | null },
    keep: number,
  ): Promise<void> {
    await this.sql.run(`update job_runs set finished_at = ?, outcome = ?, counts = ?, error = ? where id = ?`, [
      end.finishedAt,
      end.outcome,
      end.counts,
      end.error,
      runId,
    ]);
    await this.sql.run(
      `delete from job_runs where name = (select name from job_runs where id = ?)
         and id < (select id from job_runs where name = (select name from job_runs where id = ?) order by id desc limit 1 offset ?)`,
      [runId, runId, keep - 1],
    );
  }

  /** The newest `perJob` runs of every job, newest first within each job, in one query. */
  /** The outcome of each named job's last run (jobs that never ran are left out): one index step per job. */
  lastOutcomes(names: readonly string[]): Promise<{ name: string; outcome: JobRunRow['outcome'] }[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.sql.all(lastOutcomesSql(names.length), names);
  }

  recentRuns(perJob: number): Promise<JobRunRow[]> {
    return this.sql.all<JobRunRow>(
      `select id, name, trigger, startedAt, finishedAt, outcome, counts, error from (
         select id, name, trigger, started_at as startedAt, finished_at as finishedAt, outcome, counts, error,
                row_number() over (partition by name order by id desc) as rn
           from job_runs)
        where rn <= ? order by name, id desc`,
      [perJob],
    );
  }
}
