import { decodeCursor, encodeCursor, keysetClause, likeContains, pageLinks, pageRequest, toPage } from './pagination';

describe('keyset pagination', () => {
  const key = (row: { n: string; id: string }) => [row.n, row.id];
  const rows = (...names: string[]) => names.map((n) => ({ n, id: `id-${n}` }));

  it('round-trips cursors and rejects altered ones', () => {
    expect(decodeCursor(encodeCursor(['Acme', 'x']), 2)).toEqual(['Acme', 'x']);
    expect(decodeCursor(encodeCursor(['Acme']), 2)).toBeNull();
    expect(decodeCursor('not base64 json', 2)).toBeNull();
    expect(decodeCursor(Buffer.from('[{"a":1},2]').toString('base64url'), 2)).toBeNull();
  });

  it('rejects values that cannot be sort keys in SQL: infinities, control characters, huge strings', () => {
    const raw = (json: string) => Buffer.from(json).toString('base64url');
    for (const json of [
      '[1e999,"x"]',
      '[-1e999,"x"]',
      '["a\\u0000b","x"]',
      '["a","b\\u001b"]',
      `["${'x'.repeat(1001)}","x"]`,
    ]) {
      expect([json.slice(0, 20), decodeCursor(raw(json), 2)]).toEqual([json.slice(0, 20), null]);
    }
    expect(decodeCursor(raw('[-2.5,"Zoë 🙂"]'), 2)).toEqual([-2.5, 'Zoë 🙂']);
  });

  it('has only Next on the first page when there is more', () => {
    const request = pageRequest({}, 2, 2);
    const page = toPage(rows('a', 'b', 'c'), request, key);
    expect(page.rows.map((r) => r.n)).toEqual(['a', 'b']);
    expect(decodeCursor(page.nextCursor, 2)).toEqual(['b', 'id-b']);
    expect(page.prevCursor).toBeNull();
  });

  it('has only Previous on the last page', () => {
    const request = pageRequest({ after: encodeCursor(['b', 'id-b']) }, 2, 2);
    const page = toPage(rows('c'), request, key);
    expect(page.nextCursor).toBeNull();
    expect(decodeCursor(page.prevCursor, 2)).toEqual(['c', 'id-c']);
  });

  it('puts rows fetched backwards back in order', () => {
    const request = pageRequest({ before: encodeCursor(['d', 'id-d']) }, 2, 2);
    const page = toPage(rows('c', 'b', 'a'), request, key);
    expect(page.rows.map((r) => r.n)).toEqual(['b', 'c']);
    expect(page.prevCursor).not.toBeNull();
    expect(page.nextCursor).not.toBeNull();
  });

  it('builds links that keep the filters', () => {
    const links = pageLinks('/admin/organizations', { q: 'a b' }, { rows: [], nextCursor: 'N', prevCursor: null });
    expect(links).toEqual({ nextHref: '/admin/organizations?q=a+b&after=N', prevHref: undefined });
  });

  it('escapes LIKE wildcards', () => {
    expect(likeContains('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('walks a descending order forwards with < and back with >', () => {
    const cursor: [string, string] = ['m', 'id-5'];
    const down = keysetClause({ after: cursor, before: null, limit: 25 }, 'p.name', 'p.id', 'desc');
    expect(down.where).toBe('p.name <= ? and (p.name < ? or (p.name = ? and p.id < ?))');
    expect(down.params).toEqual(['m', 'm', 'm', 'id-5']);
    expect(down.orderBy).toBe('p.name desc, p.id desc');
    const back = keysetClause({ after: null, before: cursor, limit: 25 }, 'p.name', 'p.id', 'desc');
    expect(back.where).toBe('p.name >= ? and (p.name > ? or (p.name = ? and p.id > ?))');
    expect(back.orderBy).toBe('p.name asc, p.id asc');
    expect(keysetClause({ after: null, before: null, limit: 25 }, 'p.name', 'p.id').orderBy).toBe(
      'p.name asc, p.id asc',
    );
  });
});
