import { ROLE_LABELS } from '../../common/view/navigation';
import type { Person } from './person.entity';
import { personState } from './people-list';

export function profileView(person: Person, orgName: string | null) {
  return {
    name: person.name,
    email: person.email,
    roleLabel: ROLE_LABELS[person.role],
    orgName,
    createdAt: person.createdAt,
    lastSignInAt: person.lastSignInAt,
  };
}

/** A person as their organization's admin sees them on the person's page, with what can be done. */
export function memberView(person: Person, now: number, actingAdminId: string) {
  const lockedUntil = person.lockedUntil ? +person.lockedUntil : null;
  return {
    id: person.id,
    ...profileView(person, null),
    role: person.role,
    ...personState({ status: person.status, lockedUntil }, now),
    disabled: person.status === 'disabled',
    invited: person.status === 'invited',
    twoFactorOn: person.totpEnabledAt !== null,
    failedSignIns: person.failedSignIns,
    isSelf: person.id === actingAdminId,
  };
}
