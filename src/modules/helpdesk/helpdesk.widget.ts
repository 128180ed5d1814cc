import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import { AuditLogService } from '../../platform/audit/audit-log.service';
import type { WidgetData } from '../../platform/module-host/define-module';
import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';
import { PeopleService } from '../people/people.service';

/** What the helpdesk pages do to an account (the agent's, an operator's, or the CLI's unlock). */
export const HELPDESK_AUDIT_ACTIONS = [
  'user.unlocked',
  'user.password_reset_sent',
  'user.2fa_reset',
  'user.sessions_ended',
  'user.invitation_resent',
] as const;

const SHOWN = 5;

/**
 * The helpdesk's dashboard card: who is locked out now (a count and the
 * first five, each linked to their account) and the newest helpdesk actions.
 * The support queue has a card of its own.
 */
@Injectable()
export class HelpdeskWidget implements WidgetData {
  constructor(
    private readonly people: PeopleService,
    private readonly audit: AuditLogService,
  ) {}

  async load(_user: Principal) {
    const [locked, recent] = await Promise.all([
      this.people.lockedNow(SHOWN),
      this.audit.latestOf(HELPDESK_AUDIT_ACTIONS, SHOWN),
    ]);
    return {
      lockedCount: locked.count,
      locked: locked.first,
      more: Math.max(0, locked.count - locked.first.length),
      recent: recent.map((entry) => ({
        at: entry.at,
        label: MODULE_CATALOG.describeAction(entry.action),
        actor: entry.actorLabel,
        target: entry.targetLabel,
        targetHref: entry.targetType === 'person' && entry.targetId ? `/admin/users/${entry.targetId}` : null,
      })),
    };
  }
}
