import { pageLinks, type Page } from '../../common/pagination';
import { ROLE_LABELS } from '../../common/view/navigation';
import {
  PEOPLE_SORTS,
  PEOPLE_STATUS_FILTERS,
  type PeopleListFilter,
  type PeopleSort,
  type PersonRow,
} from './people.repository';

export type PeopleListQuery = Record<string, unknown>;

const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

/**
 * The list's filters and order from the query string. A value that is not
 * one of the choices offered (a hand-edited URL) is no filter at all.
 */
export function parsePeopleList(query: PeopleListQuery): PeopleListFilter {
  const search = typeof query.q === 'string' ? query.q.trim().slice(0, 120) : '';
  return {
    search: search || undefined,
    role: pick(query.role, ['admin', 'member'] as const),
    status: pick(query.status, PEOPLE_STATUS_FILTERS),
    twoFactor: pick(query.twoFactor, ['on', 'off'] as const),
    sort: pick(query.sort, PEOPLE_SORTS) ?? 'name',
    direction: pick(query.dir, ['asc', 'desc'] as const) ?? (query.sort === 'lastSignIn' ? 'desc' : 'asc'),
  };
}

/** The filter as query parameters (what links keep when they page or re-sort). */
export function peopleListParams(filter: PeopleListFilter): Record<string, string | undefined> {
  return {
    q: filter.search,
    role: filter.role,
    status: filter.status,
    twoFactor: filter.twoFactor,
    sort: filter.sort === 'name' ? undefined : filter.sort,
    dir: filter.direction === defaultDirection(filter.sort) ? undefined : filter.direction,
  };
}

const defaultDirection = (sort: PeopleSort) => (sort === 'lastSignIn' ? 'desc' : 'asc');

/** A sortable column header: its link (the other direction when it is the current order) and state. */
export function sortHeader(base: string, filter: PeopleListFilter, sort: PeopleSort) {
  const current = filter.sort === sort;
  const direction = current ? (filter.direction === 'asc' ? 'desc' : 'asc') : defaultDirection(sort);
  return {
    href: listHref(base, { ...filter, sort, direction }),
    current,
    // aria-sort on the header cell of the current order.
    ariaSort: current ? (filter.direction === 'asc' ? 'ascending' : 'descending') : undefined,
  };
}

export type PersonState = 'active' | 'locked' | 'disabled' | 'invited';

/** What a list row shows about a person's access, and until when a lockout lasts. */
export function personState(row: Pick<PersonRow, 'status' | 'lockedUntil'>, now: number) {
  if (row.status === 'invited') return { state: 'invited' as PersonState, label: 'Invited', color: 'yellow' };
  if (row.status === 'disabled') return { state: 'disabled' as PersonState, label: 'Disabled', color: 'secondary' };
  if (row.lockedUntil !== null && row.lockedUntil > now)
    return { state: 'locked' as PersonState, label: 'Locked', color: 'red', lockedUntil: row.lockedUntil };
  return { state: 'active' as PersonState, label: 'Active', color: 'green' };
}

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  locked: 'Locked',
  disabled: 'Disabled',
  invited: 'Invited',
};
const ROLE_FILTER_LABELS: Record<string, string> = { admin: 'Organization admins', member: 'Members' };

/** The list (or its CSV) with this filter and order. */
export function listHref(base: string, filter: PeopleListFilter): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(peopleListParams(filter))) if (value) search.set(name, value);
  const query = search.toString();
  return query ? `${base}?${query}` : base;
}

/** The active filters as removable chips: each links to the list without it. */
export function filterChips(base: string, filter: PeopleListFilter): { label: string; href: string }[] {
  const chips: { label: string; href: string }[] = [];
  if (filter.search)
    chips.push({ label: `Matching “${filter.search}”`, href: listHref(base, { ...filter, search: undefined }) });
  if (filter.role)
    chips.push({ label: ROLE_FILTER_LABELS[filter.role], href: listHref(base, { ...filter, role: undefined }) });
  if (filter.status)
    chips.push({ label: STATUS_LABELS[filter.status], href: listHref(base, { ...filter, status: undefined }) });
  if (filter.twoFactor)
    chips.push({
      label: filter.twoFactor === 'on' ? 'Two-factor on' : 'Two-factor off',
      href: listHref(base, { ...filter, twoFactor: undefined }),
    });
  return chips;
}

/** Everything the /org/users page shows of one page of the list (the controller's and the floor bench's). */
export function peopleListView(filter: PeopleListFilter, page: Page<PersonRow>, now: number) {
  const header = (sort: PeopleSort) => sortHeader('/org/users', filter, sort);
  return {
    title: 'People',
    breadcrumbs: [{ label: 'People' }],
    filter,
    q: filter.search ?? '',
    isFiltered: Boolean(filter.search || filter.role || filter.status || filter.twoFactor),
    chips: filterChips('/org/users', filter),
    allHref: '/org/users',
    sortBy: { name: header('name'), email: header('email'), role: header('role'), lastSignIn: header('lastSignIn') },
    rows: page.rows.map((row) => ({
      ...row,
      roleLabel: ROLE_LABELS[row.role],
      ...personState(row, now),
      twoFactorOn: row.totpEnabledAt !== null,
    })),
    ...pageLinks('/org/users', peopleListParams(filter), page),
    headerActions: [
      { href: listHref('/org/users.csv', filter), label: 'Download CSV', icon: 'download' },
      { href: '/org/users/import', label: 'Import CSV', icon: 'upload' },
    ],
  };
}
