import { accountModule } from './modules/account';
import { authModule } from './modules/auth';
import { billingModule } from './modules/billing';
import { catalogModule } from './modules/catalog';
import { dashboardModule } from './modules/dashboard';
import { devicesModule } from './modules/devices';
import { downloadsModule } from './modules/downloads';
import { helpdeskModule } from './modules/helpdesk';
import { kbModule } from './modules/kb';
import { licensesModule } from './modules/licenses';
import { orgSettingsModule } from './modules/org-settings';
import { organizationsModule } from './modules/organizations';
import { peopleModule } from './modules/people';
import { setupModule } from './modules/setup';
import { staffModule } from './modules/staff';
import { supportModule } from './modules/support';
import { auditPlatform } from './platform/audit';
import { jobsPlatform } from './platform/jobs';
import { mailPlatform } from './platform/mail';
import { MODULE_CATALOG } from './platform/module-host/module-catalog';

// The one list of what the app is made of (docs/architecture.md): a new module
// is one line here. Order is the navigation's order within each role.
export const APP_MODULES = [
  dashboardModule,
  organizationsModule,
  peopleModule,
  licensesModule,
  devicesModule,
  catalogModule,
  downloadsModule,
  billingModule,
  helpdeskModule,
  supportModule,
  kbModule,
  staffModule,
  auditPlatform,
  orgSettingsModule,
  authModule,
  accountModule,
  mailPlatform,
  jobsPlatform,
  setupModule,
];

MODULE_CATALOG.register(APP_MODULES);
