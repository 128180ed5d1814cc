import { SetMetadata } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { JobRunner } from './job-runner';

export const JOB_SPEC = 'seatdesk:job';

export type JobTrigger = 'schedule' | 'manual' | 'cli';

export interface JobSpec {
  /** `<module>.<job>`, e.g. `mail.deliver`. */
  name: string;
  /** Cron expression with seconds, e.g. `0 *\/5 * * * *`. */
  cron: string;
  description: string;
  /** How long a run may hold the lease before another process may take over (default 600). */
  leaseSeconds?: number;
}

/** What a job reports: counts shown on /admin/jobs, e.g. `{ delivered: 3, failed: 1 }`. */
export type JobCounts = Record<string, number>;

/** Classes with @Job methods inject the runner under this name. */
export interface JobHost {
  readonly jobRunner: JobRunner;
}

/**
 * Declares a scheduled job once: its name, schedule and description. The
 * method body is one service call returning counts; every call of the method
 * (schedule, "run now", CLI, tests) goes through the JobRunner, which holds
 * the lease, records the run and resolves to a JobRunResult. For that typed
 * result call `JobsService.runNow(name)`.
 */
export function Job(spec: JobSpec): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const body = descriptor.value as (this: JobHost) => Promise<JobCounts | void>;
    descriptor.value = function (this: JobHost, trigger: JobTrigger = 'schedule') {
      return this.jobRunner.run(spec, () => body.call(this), trigger);
    };
    SetMetadata(JOB_SPEC, spec)(target, key, descriptor);
    Cron(spec.cron, { name: spec.name, waitForCompletion: true })(target, key, descriptor);
    return descriptor;
  };
}
