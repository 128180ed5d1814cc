import type { Page } from '../../common/pagination';
import { MODULE_CATALOG } from '../module-host/module-catalog';
import type { AuditEntryRow, AuditListRow } from './audit.repository';
import { FILTER_FIELDS, type FilterField, type FilterValues } from './audit-query';

/** Where a page of the audit log is shown: the operators' whole log or an org admin's organization. */
export interface AuditScope {
  base: '/admin/audit' | '/org/audit';
  operator: boolean;
}

export const ADMIN_SCOPE: AuditScope = { base: '/admin/audit', operator: true };
export const ORG_SCOPE: AuditScope = { base: '/org/audit', operator: false };

// One meaning per color, on every page: green success, red failure, yellow denied.
const OUTCOME_BADGES: Record<AuditListRow['outcome'], { label: string; color: string }> = {
  success: { label: 'Success', color: 'green' },
  failure: { label: 'Failure', color: 'red' },
  denied: { label: 'Denied', color: 'yellow' },
};

const ACTOR_TYPES: Record<AuditListRow['actorType'], string> = { person: 'Person', system: 'System', device: 'Device' };

const FILTER_LABELS: Record<FilterField, string> = {
  actor: 'Actor',
  action: 'Action',
  target: 'Target',
  outcome: 'Outcome',
  from: 'From',
  to: 'To',
};

const OUTCOME_OPTIONS = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'denied', label: 'Denied' },
];

/** The filters as query parameters, without the empty ones. */
export function filterParams(values: FilterValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}

function hrefWith(base: string, params: Record<string, string>): string {
  const search = new URLSearchParams(params).toString();
  return search ? `${base}?${search}` : base;
}

function targetText(row: Pick<AuditListRow, 'targetLabel' | 'targetId'>): string {
  return row.targetLabel ?? row.targetId ?? '';
}

export function auditRowView(row: AuditListRow, scope: AuditScope) {
  return {
    id: row.id,
    href: `${scope.base}/${row.id}`,
    at: new Date(row.at),
    actor: row.actorLabel,
    actorType: ACTOR_TYPES[row.actorType] ?? row.actorType,
    action: row.action,
    actionLabel: MODULE_CATALOG.describeAction(row.action),
    targetType: row.targetType,
    target: targetText(row),
    organization: row.organizationName ?? row.organizationId,
    badge: OUTCOME_BADGES[row.outcome],
    ip: row.ip,
  };
}

/** A date input while the value is a date, datetime-local for a time, text for anything else (kept as typed). */
function dateInputType(value: string): string {
  if (value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return 'datetime-local';
  return 'text';
}

export interface AuditIndexInput {
  values: FilterValues;
  errors?: Partial<Record<FilterField, string>>;
  page?: Page<AuditListRow>;
  knownActions: string[];
}

export function auditIndexView(scope: AuditScope, input: AuditIndexInput) {
  const { values, errors = {}, page, knownActions } = input;
  const params = filterParams(values);
  const chips = FILTER_FIELDS.filter((field) => values[field] !== '').map((field) => {
    const rest = { ...params };
    delete rest[field];
    return { label: FILTER_LABELS[field], value: values[field], href: hrefWith(scope.base, rest) };
  });
  const search = (key: 'after' | 'before', cursor: string | null) =>
    cursor ? hrefWith(scope.base, { ...params, [key]: cursor }) : undefined;
  // Prefixes first (`auth.`, `auth.login.`), then every action seen in the log.
  const prefixes = new Set<string>();
  for (const action of knownActions) {
    const parts = action.split('.');
    for (let n = 1; n < parts.length; n++) prefixes.add(`${parts.slice(0, n).join('.')}.`);
  }
  return {
    title: 'Audit log',
    breadcrumbs: [{ label: 'Audit log' }],
    base: scope.base,
    showOrganization: scope.operator,
    // No download while the filters are refused: it would only repeat the error.
    csvHref: Object.keys(errors).length > 0 ? undefined : hrefWith(`${scope.base}.csv`, params),
    values,
    dateTypes: { from: dateInputType(values.from), to: dateInputType(values.to) },
    outcomeOptions: OUTCOME_OPTIONS.map((option) => ({ ...option, selected: option.value === values.outcome })),
    actionOptions: [...[...prefixes].sort(), ...knownActions],
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
    invalid: Object.keys(errors).length > 0,
    chips,
    hasFilters: chips.length > 0,
    clearHref: scope.base,
    rows: page ? page.rows.map((row) => auditRowView(row, scope)) : [],
    nextHref: search('after', page?.nextCursor ?? null),
    prevHref: search('before', page?.prevCursor ?? null),
  };
}

/** `{"reason":"wrong_password"}` as rows to read; anything else as text. */
function detailsView(details: string | null) {
  if (!details) return { pairs: [], raw: null };
  try {
    const parsed = JSON.parse(details) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return {
        pairs: Object.entries(parsed as Record<string, unknown>).map(([key, value]) => ({
          key,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        })),
        raw: null,
      };
    }
  } catch {
    // Shown as stored below.
  }
  return { pairs: [], raw: details };
}

export function auditEntryView(row: AuditEntryRow, scope: AuditScope) {
  const filterBy = (params: Record<string, string>) => hrefWith(scope.base, params);
  const targetFilter = row.targetId ? (row.targetType ? `${row.targetType}:${row.targetId}` : row.targetId) : null;
  return {
    title: `Audit entry #${row.id}`,
    breadcrumbs: [{ label: 'Audit log', href: scope.base }, { label: `Entry #${row.id}` }],
    showOrganization: scope.operator,
    entry: {
      ...auditRowView(row, scope),
      actorId: row.actorId,
      targetId: row.targetId,
      organizationId: row.organizationId,
      userAgent: row.userAgent,
      details: detailsView(row.details),
      hash: row.hash,
      prevHash: row.prevHash,
    },
    // Not `actionHref`: the page-header partial would take it for its button.
    links: {
      // People and system actors are found by label (an email, `cli`), devices by id.
      actor: filterBy({ actor: row.actorType === 'device' && row.actorId ? row.actorId : row.actorLabel }),
      action: filterBy({ action: row.action }),
      target: targetFilter ? filterBy({ target: targetFilter }) : null,
      back: scope.base,
    },
  };
}
