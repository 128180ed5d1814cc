import type { JobOverview, JobRunRow } from './jobs.service';

const OUTCOME_BADGES: Record<JobRunRow['outcome'], { label: string; color: string }> = {
  running: { label: 'Running', color: 'blue' },
  succeeded: { label: 'Succeeded', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  skipped: { label: 'Skipped', color: 'yellow' },
};

function countsText(counts: string | null): string {
  if (!counts) return '';
  try {
    return Object.entries(JSON.parse(counts) as Record<string, number>)
      .map(([key, value]) => `${value} ${key}`)
      .join(', ');
  } catch {
    return '';
  }
}

export function runView(run: JobRunRow) {
  return {
    id: run.id,
    trigger: run.trigger === 'schedule' ? 'Schedule' : run.trigger === 'cli' ? 'CLI' : 'Run now',
    startedAt: new Date(run.startedAt),
    durationMs: run.finishedAt !== null ? run.finishedAt - run.startedAt : null,
    badge: OUTCOME_BADGES[run.outcome],
    counts: countsText(run.counts),
    error: run.error,
  };
}

export function jobView(job: JobOverview) {
  return {
    name: job.name,
    cron: job.cron,
    description: job.description,
    nextRunAt: job.nextRunAt,
    lastRun: job.lastRun ? runView(job.lastRun) : null,
    history: job.history.map(runView),
  };
}
