import { Module } from '@nestjs/common';
import { PeopleModule } from '../people/people.module';
import { AdminKbController } from './admin-kb.controller';
import { KbSuggestController } from './kb-suggest.controller';
import { KbController } from './kb.controller';
import { KbRepository } from './kb.repository';
import { KbService } from './kb.service';

@Module({
  imports: [PeopleModule],
  // KbSuggestController first: /kb/suggest is routed before /kb/:slug.
  controllers: [KbSuggestController, KbController, AdminKbController],
  providers: [KbService, KbRepository],
  exports: [KbService],
})
export class KbModule {}
