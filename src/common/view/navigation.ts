import type { RoleName } from '../http/principal';

export interface NavItem {
  label: string;
  href: string;
  icon: string;
  roles: RoleName[];
}

export const ROLE_LABELS: Record<RoleName, string> = {
  operator: 'Operator',
  helpdesk: 'Helpdesk',
  admin: 'Organization admin',
  member: 'Member',
};

const EVERYONE: RoleName[] = ['operator', 'helpdesk', 'admin', 'member'];

// What each role may open, and nothing else (UI.md). Modules add their items
// here; plugins' items follow. The account lives in the person menu.
export const CORE_NAV: NavItem[] = [
  { label: 'Dashboard', href: '/dashboard', icon: 'home', roles: EVERYONE },
  { label: 'Organizations', href: '/admin/orgs', icon: 'building', roles: ['operator'] },
  { label: 'People', href: '/org/users', icon: 'users', roles: ['admin'] },
  { label: 'Audit log', href: '/admin/audit', icon: 'list-check', roles: ['operator'] },
  { label: 'Audit log', href: '/org/audit', icon: 'list-check', roles: ['admin'] },
  { label: 'Organization settings', href: '/org/settings', icon: 'settings', roles: ['admin'] },
  { label: 'Mail', href: '/admin/mail', icon: 'mail', roles: ['operator'] },
  { label: 'Jobs', href: '/admin/jobs', icon: 'clock-play', roles: ['operator'] },
];

export function navFor(role: RoleName, path: string, items: NavItem[] = CORE_NAV) {
  return items
    .filter((item) => item.roles.includes(role))
    .map(({ label, href, icon }) => ({
      label,
      href,
      icon,
      active: path === href || path.startsWith(`${href}/`),
    }));
}
