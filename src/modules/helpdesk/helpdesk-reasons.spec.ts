import { PeopleService } from '../people/people.service';
import { reasonText } from './helpdesk-reasons';

describe('helpdesk search text and reasons', () => {
  it('looks up the start of an address when the text has an @, lower-cased', () => {
    expect(PeopleService.parseSearch('  Ann.Lee@Example ')).toEqual({ by: 'email', prefix: 'ann.lee@example' });
  });

  it('otherwise looks for the starts of up to five words, punctuation splitting them', () => {
    expect(PeopleService.parseSearch('Zoë  O’Brien-Smith')).toEqual({
      by: 'words',
      words: ['zoë', 'o', 'brien', 'smith'],
    });
    expect(PeopleService.parseSearch('a b c d e f g')).toEqual({ by: 'words', words: ['a', 'b', 'c', 'd', 'e'] });
    // Quotes and FTS5 operators are just separators, never syntax.
    expect(PeopleService.parseSearch('"ann" OR * NEAR(')).toEqual({ by: 'words', words: ['ann', 'or', 'near'] });
  });

  it('has nothing to look for in blank or punctuation-only text', () => {
    expect(PeopleService.parseSearch('   ')).toBeNull();
    expect(PeopleService.parseSearch('-*"')).toBeNull();
  });

  it('keeps the reason as its label, then the note in one line', () => {
    expect(reasonText('Verified in person', undefined)).toBe('Verified in person');
    expect(reasonText('Other', '  ticket\n 42  ')).toBe('Other: ticket 42');
  });
});
