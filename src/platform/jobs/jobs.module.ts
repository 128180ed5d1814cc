import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry';
import { JobRunner } from './job-runner';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

// Global: every module (and plugin) with a @Job needs the runner.
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [JobsController],
  providers: [JobRunner, JobRegistry, JobsService, JobsRepository],
  exports: [JobRunner, JobsService],
})
export class JobsModule {}
