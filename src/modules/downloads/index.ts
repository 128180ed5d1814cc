import { defineModule } from '../../platform/module-host/define-module';
import { DownloadsModule } from './downloads.module';

export const downloadsModule = defineModule({
  id: 'downloads',
  module: DownloadsModule,
  tables: ['releases'],
  nav: [
    { label: 'Downloads', href: '/downloads', icon: 'download', roles: ['admin', 'member'] },
    { label: 'Downloads', href: '/admin/downloads', icon: 'download', roles: ['operator'] },
  ],
  audit: {
    'release.uploaded': 'Release uploaded',
    'release.marked_current': 'Release made current',
    'release.withdrawn': 'Release withdrawn',
    'release.downloaded': 'Release downloaded',
  },
});
