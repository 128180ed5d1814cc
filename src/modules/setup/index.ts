import { defineModule } from '../../platform/module-host/define-module';
import { SetupModule } from './setup.module';

export const setupModule = defineModule({
  id: 'setup',
  module: SetupModule,
  audit: { 'setup.completed': 'SeatDesk set up' },
});
