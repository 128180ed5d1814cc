import { Command } from 'nest-commander';
import { NotFound } from '../common/errors/app-error';
import type { JobRunResult } from '../platform/jobs/job-runner';
import { JobsService, type JobRunRow } from '../platform/jobs/jobs.service';
import { CliCommand, CliContext } from './cli-command';
import { CliError, CliOutput } from './cli-output';

// ISO 8601 UTC to the second: what an operator compares with logs.
const time = (value: Date | number | null) =>
  value === null ? '-' : new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');

function countsText(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([key, value]) => `${key}=${value}`).join(' ') : 'none';
}

function lastRunText(run: JobRunRow | null): string {
  if (!run) return 'never';
  const duration = run.finishedAt !== null ? ` in ${run.finishedAt - run.startedAt} ms` : '';
  return `${run.outcome} ${time(run.startedAt)}${duration} (${run.trigger})`;
}

@Command({ name: 'jobs:list', description: 'List the scheduled jobs with their schedule, last run and next run' })
export class JobsListCommand extends CliCommand {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly jobs: JobsService,
  ) {
    super();
  }

  protected async execute(): Promise<void> {
    await this.cli.migrate();
    const jobs = await this.cli.inContext(() => this.jobs.overview());
    this.out.table(
      ['NAME', 'SCHEDULE', 'LAST RUN', 'NEXT RUN', 'DESCRIPTION'],
      jobs.map((job) => [job.name, job.cron, lastRunText(job.lastRun), time(job.nextRunAt), job.description]),
    );
  }
}

@Command({
  name: 'jobs:run',
  arguments: '<name>',
  argsDescription: { name: 'the job to run now, as jobs:list names it (e.g. audit.retention)' },
  description: 'Run one job now (under its lease, recorded like a scheduled run) and print the outcome and counts',
})
export class JobsRunCommand extends CliCommand {
  constructor(
    private readonly cli: CliContext,
    private readonly out: CliOutput,
    private readonly jobs: JobsService,
  ) {
    super();
  }

  protected async execute([name]: string[]): Promise<void> {
    await this.cli.migrate();
    let result: JobRunResult;
    try {
      result = await this.cli.inContext(() => this.jobs.runNow(name, 'cli'));
    } catch (err) {
      if (err instanceof NotFound) throw new CliError(`there is no job named "${name}" (jobs:list shows them)`);
      throw err;
    }
    const run = result.runId !== null ? ` (run #${result.runId})` : '';
    if (result.outcome === 'skipped') {
      throw new CliError(`${name} is already running in another process${run}; try again when it ends`);
    }
    if (result.outcome === 'failed') throw new CliError(`${name} failed${run}: ${result.error ?? 'unknown error'}`);
    this.out.line(`${name} succeeded${run}: ${countsText(result.counts)}`);
  }
}
