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

// What each role may open, and nothing else: the modules' items, then plugins'.
export function navFor(role: RoleName, path: string, items: readonly NavItem[]) {
  return items
    .filter((item) => item.roles.includes(role))
    .map(({ label, href, icon }) => ({
      label,
      href,
      icon,
      active: path === href || path.startsWith(`${href}/`),
    }));
}
