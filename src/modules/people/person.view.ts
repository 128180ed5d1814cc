import { ROLE_LABELS } from '../../common/view/navigation';
import type { Person } from './person.entity';

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
