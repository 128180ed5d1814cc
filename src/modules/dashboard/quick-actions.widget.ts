import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import type { NavItem } from '../../common/view/navigation';
import type { WidgetData } from '../../platform/module-host/define-module';
import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';

interface QuickAction {
  label: string;
  href: string;
  icon: string;
  roles: Principal['role'][];
  /** The navigation entry of the module that serves `href`: without it the action is not shown. */
  section: string;
}

const ACTIONS: QuickAction[] = [
  { label: 'Add device', href: '/devices/new', icon: 'plus', roles: ['admin', 'member'], section: '/devices' },
  { label: 'Download', href: '/downloads', icon: 'download', roles: ['admin', 'member'], section: '/downloads' },
  { label: 'Renew', href: '/licenses', icon: 'refresh', roles: ['admin'], section: '/licenses' },
  { label: 'Get help', href: '/support', icon: 'help', roles: ['admin', 'member'], section: '/support' },
];

/** The card's actions for `role` given the modules' navigation, or null for none (also drawn by bench/floor.ts). */
export function quickActionsView(role: Principal['role'], nav: readonly NavItem[]) {
  const served = new Set(nav.filter((item) => item.roles.includes(role)).map((i) => i.href));
  const actions = ACTIONS.filter((action) => action.roles.includes(role) && served.has(action.section)).map(
    ({ label, href, icon }) => ({ label, href, icon }),
  );
  return actions.length ? { actions } : null;
}

/**
 * The dashboard's "Quick actions" card: the few things an organization's
 * people come to do. An action shows once a module serves its page for the
 * person's role (its navigation entry), so Download and Get help appear when
 * the downloads and support modules are registered, never as a dead link.
 */
@Injectable()
export class QuickActionsWidget implements WidgetData {
  load(user: Principal) {
    return Promise.resolve(quickActionsView(user.role, MODULE_CATALOG.nav));
  }
}
