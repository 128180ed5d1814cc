import { defineModule } from '../../platform/module-host/define-module';
import { StaffModule } from './staff.module';

// Staff changes are audited with the people module's actions (user.invited,
// user.invitation_resent, user.invitation_revoked, user.disabled,
// user.enabled, user.role_changed) on the staff member.
export const staffModule = defineModule({
  id: 'staff',
  module: StaffModule,
  nav: [{ label: 'Staff', href: '/admin/staff', icon: 'id-badge-2', roles: ['operator'] }],
});
