import { Module } from '@nestjs/common';
import { ChatHub } from './chat-hub';
import { LiveChatExpireJob } from './live-chat-expire.job';
import { LiveChatSettings } from './live-chat-settings';
import { LiveChatController } from './live-chat.controller';
import { LiveChatRepository } from './live-chat.repository';
import { LiveChatService } from './live-chat.service';
import { LiveChatWidget } from './live-chat.widget';

@Module({
  controllers: [LiveChatController],
  providers: [
    { provide: LiveChatSettings, useFactory: () => LiveChatSettings.fromEnvironment() },
    LiveChatRepository,
    ChatHub,
    LiveChatService,
    LiveChatWidget,
    LiveChatExpireJob,
  ],
  exports: [LiveChatSettings],
})
export class LiveChatModule {}
