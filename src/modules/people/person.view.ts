import { ROLE_LABELS } from '../../common/view/navigation';
import type { Person } from './person.entity';

export function profileView(person: Person) {
  return {
    name: person.name,
    email: person.email,
    roleLabel: ROLE_LABELS[person.role],
    orgName: person.organization?.name ?? null,
    createdAt: person.createdAt,
    lastSignInAt: person.lastSignInAt,
  };
}
