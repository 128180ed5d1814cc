import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppEvents } from './app-events.service';

@Global()
@Module({
  imports: [EventEmitterModule.forRoot({ wildcard: false, maxListeners: 50, verboseMemoryLeak: true })],
  providers: [AppEvents],
  exports: [AppEvents],
})
export class EventsModule {}
