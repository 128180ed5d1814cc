import { bulkMessage } from './bulk-update.controller';

describe('bulkMessage', () => {
  it('says how many tickets were updated and why the others were skipped', () => {
    expect(bulkMessage({ updated: 1, skipped: {} })).toBe('Updated 1 ticket.');
    expect(bulkMessage({ updated: 7, skipped: { closed: 2 } })).toBe('Updated 7 tickets; 2 skipped (closed).');
    expect(bulkMessage({ updated: 0, skipped: { solved: 1, closed: 2 } })).toBe(
      'No ticket updated; 3 skipped (1 solved, 2 closed).',
    );
  });
});
