import { Injectable } from '@nestjs/common';
import { Job, JobRunner } from '../../src/platform/plugin-host/plugin-api';
import { LiveChatService } from './live-chat.service';

@Injectable()
export class LiveChatExpireJob {
  constructor(
    readonly jobRunner: JobRunner,
    private readonly chats: LiveChatService,
  ) {}

  @Job({
    name: 'live-chat.expire',
    cron: '30 * * * * *',
    description: 'End live chats nobody took, or whose person left, and save each as a support ticket',
  })
  run() {
    return this.chats.expire();
  }
}
