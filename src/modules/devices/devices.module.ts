import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ApiCredentials } from '../auth/sessions/api-credentials';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { PeopleModule } from '../people/people.module';
import { DevicesApiController } from './devices-api.controller';
import { DevicesStaleJob } from './devices-stale.job';
import { DevicePageLocals, DevicePages, DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';
import { ProtectionListener } from './protection.listener';

@Module({
  imports: [AuthModule, CatalogModule, LicensesModule, PeopleModule],
  controllers: [DevicesApiController, DevicesController],
  providers: [DevicesService, DevicesRepository, DevicePages, DevicePageLocals, DevicesStaleJob, ProtectionListener],
  exports: [DevicesService],
})
export class DevicesModule implements OnModuleInit {
  constructor(
    private readonly api: ApiCredentials,
    private readonly devices: DevicesService,
  ) {}

  // Device tokens are bearer tokens of the API; activation authenticates by product key instead.
  onModuleInit(): void {
    this.api.registerResolver((token) => this.devices.resolveToken(token));
    this.api.openRoute('POST', '/api/v1/activations');
  }
}
