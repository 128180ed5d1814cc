import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CronTime } from 'cron';
import { NotFound } from '../../common/errors/app-error';
import { JOB_SPEC, type JobSpec, type JobTrigger } from './job.decorator';
import type { JobRunResult } from './job-runner';

export interface RegisteredJob {
  spec: JobSpec;
  invoke(trigger: JobTrigger): Promise<JobRunResult>;
}

/** Every @Job in the application (core and plugins), found once at start-up. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly jobs = new Map<string, RegisteredJob>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[key] as ((trigger: JobTrigger) => Promise<JobRunResult>) | undefined;
        if (typeof method !== 'function') continue;
        const spec = this.reflector.get<JobSpec | undefined>(JOB_SPEC, method);
        if (!spec) continue;
        if (this.jobs.has(spec.name)) throw new Error(`Two jobs are named ${spec.name}`);
        this.jobs.set(spec.name, { spec, invoke: (trigger) => method.call(instance, trigger) });
      }
    }
  }

  list(): RegisteredJob[] {
    return [...this.jobs.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }

  get(name: string): RegisteredJob {
    const job = this.jobs.get(name);
    if (!job) {
      // Named back only when it looks like a job name (it came from a URL or a command line).
      const named = /^[\w.:-]{1,100}$/.test(name) ? ` named ${name}` : ' by that name';
      throw new NotFound(`There is no job${named}.`);
    }
    return job;
  }

  nextRun(spec: JobSpec, after: Date): Date | null {
    try {
      const next = new CronTime(spec.cron, 'UTC').getNextDateFrom(after);
      return next.toJSDate();
    } catch {
      return null;
    }
  }
}
