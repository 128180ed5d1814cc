import { auditPageRequest, parseAuditQuery, parseUtcDateTime, prefixUpperBound } from './audit-query';
import { encodeCursor } from '../../common/pagination';

const filterOf = (query: Record<string, unknown>) => {
  const parsed = parseAuditQuery(query);
  if (!parsed.ok) throw new Error(`unexpected errors ${JSON.stringify(parsed.errors)}`);
  return parsed.filter;
};
const errorsOf = (query: Record<string, unknown>) => {
  const parsed = parseAuditQuery(query);
  if (parsed.ok) throw new Error('expected errors');
  return parsed.errors;
};

describe('audit log filters', () => {
  it('reads no filter from an empty or unrelated query', () => {
    expect(filterOf({})).toEqual({});
    expect(filterOf({ org: 'someone-else', organizationId: 'x', actor: '  ' })).toEqual({});
  });

  it('matches emails case-insensitively, ids as ids, system actors by name', () => {
    expect(filterOf({ actor: ' Ann@Example.TEST ' })).toEqual({ actorLabel: 'ann@example.test' });
    expect(filterOf({ actor: '6F1C3B4A-1111-4222-8333-944455556666' })).toEqual({
      actorId: '6f1c3b4a-1111-4222-8333-944455556666',
    });
    expect(filterOf({ actor: 'job:mail.deliver' })).toEqual({ actorLabel: 'job:mail.deliver' });
  });

  it('takes an exact action, or a prefix ending in . or *', () => {
    expect(filterOf({ action: 'auth.login.failed' })).toEqual({ action: 'auth.login.failed' });
    expect(filterOf({ action: 'auth.' })).toEqual({ actionPrefix: 'auth.' });
    expect(filterOf({ action: 'auth.login*' })).toEqual({ actionPrefix: 'auth.login' });
    expect(prefixUpperBound('auth.')).toBe('auth/');
    expect(prefixUpperBound('auth.login')).toBe('auth.logio');
    expect(errorsOf({ action: '*' }).action).toMatch(/auth\.login\.failed/);
    expect(errorsOf({ action: "x' or 1=1" }).action).toBeDefined();
  });

  it('takes a target id, or type:id', () => {
    expect(filterOf({ target: 'device:abc' })).toEqual({ targetType: 'device', targetId: 'abc' });
    expect(filterOf({ target: 'abc' })).toEqual({ targetId: 'abc' });
  });

  it('knows the three outcomes', () => {
    expect(filterOf({ outcome: 'Denied' })).toEqual({ outcome: 'denied' });
    expect(errorsOf({ outcome: 'maybe' }).outcome).toBe('Choose success, failure or denied.');
  });

  it('reads dates and datetime-local values as UTC, the end covering what it names', () => {
    expect(filterOf({ from: '2026-11-20', to: '2026-11-21' })).toEqual({
      from: Date.parse('2026-11-20T00:00:00Z'),
      to: Date.parse('2026-11-22T00:00:00Z') - 1,
    });
    expect(filterOf({ from: '2026-11-20T10:15', to: '2026-11-20T10:15' })).toEqual({
      from: Date.parse('2026-11-20T10:15:00Z'),
      to: Date.parse('2026-11-20T10:16:00Z') - 1,
    });
    expect(parseUtcDateTime('2026-11-20T10:15:30')).toEqual({ start: Date.parse('2026-11-20T10:15:30Z'), span: 1000 });
    expect(parseUtcDateTime('2026-11-20T10:15:30.5')).toEqual({
      start: Date.parse('2026-11-20T10:15:30.500Z'),
      span: 1,
    });
  });

  it.each([
    ['0001-01-01', Date.parse('0001-01-01T00:00:00Z')],
    ['0000-01-01', Date.parse('0000-01-01T00:00:00Z')],
    ['0099-12-31T23:59', Date.parse('0099-12-31T23:59:00Z')],
    ['0000-02-29', Date.parse('0000-02-29T00:00:00Z')],
    ['9999-12-31', Date.parse('9999-12-31T00:00:00Z')],
  ])('reads %j with its year as written, early years included', (value, start) => {
    expect(parseUtcDateTime(value)?.start).toBe(start);
    expect(new Date(start).getUTCFullYear()).toBe(Number(value.slice(0, 4)));
    expect(filterOf({ from: value, to: value }).from).toBe(start);
  });

  it.each([
    'yesterday',
    '2026-13-01',
    '2026-02-30',
    '2026-11-20T24:00',
    '26-11-2026',
    '2026-11-20Z',
    '0001-02-29',
    '0000-00-01',
    '0099-04-31',
  ])('refuses the date %j with a message for the field', (value) => {
    expect(errorsOf({ from: value }).from).toMatch(/YYYY-MM-DD/);
  });

  it('refuses a range that ends before it starts, keeping every value', () => {
    const parsed = parseAuditQuery({ from: '2026-11-21', to: '2026-11-20', actor: 'ann@x.test' });
    expect(parsed).toEqual({
      ok: false,
      errors: { to: 'The end of the range is before its start.' },
      values: { actor: 'ann@x.test', action: '', target: '', outcome: '', from: '2026-11-21', to: '2026-11-20' },
    });
  });

  it('refuses overlong values', () => {
    expect(errorsOf({ actor: 'a'.repeat(255) }).actor).toMatch(/254/);
  });

  it('reads id cursors and ignores anything else', () => {
    expect(auditPageRequest({ after: encodeCursor([42]) })).toMatchObject({ after: 42, before: null });
    expect(auditPageRequest({ before: encodeCursor([42]) })).toMatchObject({ after: null, before: 42 });
    for (const junk of [encodeCursor(['42']), encodeCursor([-1]), encodeCursor([1.5]), 'garbage']) {
      expect(auditPageRequest({ after: junk })).toMatchObject({ after: null, before: null, request: { after: null } });
    }
  });
});
