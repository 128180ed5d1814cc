import { Body, Controller, Get, Post, Render, Res, UseGuards } from '@nestjs/common';
import { noAccount, RateLimit } from '../../common/http/rate-limit/rate-limit.guard';
import type { Response } from 'express';
import { FormView, Public } from '../../common/http/decorators';
import { setFlash } from '../../common/view/flash';
import { SetupDto } from './dto/setup.dto';
import { SetupService } from './setup.service';

@Controller('setup')
@Public()
export class SetupController {
  constructor(private readonly setup: SetupService) {}

  @Get()
  @Render('setup/index')
  async show() {
    await this.setup.assertOpen();
    return { title: 'Set up SeatDesk', values: {} };
  }

  @Post()
  @UseGuards(RateLimit(noAccount))
  @FormView('setup/index', () => ({ title: 'Set up SeatDesk' }))
  async create(@Body() body: SetupDto, @Res() res: Response) {
    await this.setup.complete(body);
    setFlash(res, 'success', 'Your operator account is ready. Sign in to continue.');
    return res.redirect(303, '/login');
  }
}
