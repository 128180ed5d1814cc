import { Injectable } from '@nestjs/common';
import { OnAppEvent } from '../../platform/events/app-events.service';
import type { AppEventMap } from '../../platform/events/app-events';
import { DevicesService } from './devices.service';

/**
 * A device's protection follows its license and its product: when a license
 * changes status (grace, expired, suspended, reactivated, extended) or a
 * product gets a new current agent version, their devices are looked at
 * again at once, not at the next stale run.
 */
@Injectable()
export class ProtectionListener {
  constructor(private readonly devices: DevicesService) {}

  @OnAppEvent('license.status_changed')
  async onLicense(event: AppEventMap['license.status_changed']): Promise<void> {
    await this.devices.refreshLicense(event.licenseId);
  }

  @OnAppEvent('product.agent_version_changed')
  async onProduct(event: AppEventMap['product.agent_version_changed']): Promise<void> {
    await this.devices.refreshProduct(event.productId);
  }
}
