import { Controller, Get, Param, Post, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Roles } from '../../common/http/decorators';
import { setFlash } from '../../common/view/flash';
import { jobView } from './jobs.view';
import { JobsService } from './jobs.service';

@Controller('admin/jobs')
@Roles('operator')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @Render('jobs/index')
  async index() {
    return {
      title: 'Scheduled jobs',
      breadcrumbs: [{ label: 'Scheduled jobs' }],
      jobs: (await this.jobs.overview()).map(jobView),
    };
  }

  @Post(':name/run')
  async run(@Param('name') name: string, @Res() res: Response) {
    const result = await this.jobs.runNow(name);
    if (result.outcome === 'succeeded') setFlash(res, 'success', `Job ${name} ran.`);
    else if (result.outcome === 'skipped')
      setFlash(res, 'warning', `Job ${name} is already running; try again when it ends.`);
    else setFlash(res, 'danger', `Job ${name} failed: ${result.error ?? 'unknown error'}.`);
    return res.redirect(303, '/admin/jobs');
  }
}
