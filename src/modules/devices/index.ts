import { defineModule } from '../../platform/module-host/define-module';
import { DevicesStaleJob } from './devices-stale.job';
import { LicenseDevices } from '../licenses/license-devices';
import { DevicesModule } from './devices.module';
import { DevicesService } from './devices.service';
import { AttentionWidget, ProtectionWidget } from './devices.widgets';

export const devicesModule = defineModule({
  id: 'devices',
  module: DevicesModule,
  tables: ['devices', 'device_summary'],
  nav: [{ label: 'Devices', href: '/devices', icon: 'device-laptop', roles: ['admin', 'member'] }],
  audit: {
    'device.activated': 'Device activated',
    'device.reactivated': 'Device activated again (new token)',
    'device.added': 'Device added by hand',
    'device.updated': 'Device changed',
    'device.moved': 'Device moved to another license',
    'device.removed': 'Device removed',
    'device.agent_updated': 'Device agent updated',
    'device.marked_stale': 'Devices marked stale',
  },
  jobs: [DevicesStaleJob],
  ports: [{ provide: LicenseDevices, useExisting: DevicesService }],
  dashboardWidgets: [
    {
      id: 'protection',
      title: 'Protection',
      partial: 'devices/protection-widget',
      roles: ['admin', 'member'],
      data: ProtectionWidget,
    },
    {
      id: 'attention',
      title: 'Needs attention',
      partial: 'devices/attention-widget',
      roles: ['admin', 'member'],
      data: AttentionWidget,
    },
  ],
});
