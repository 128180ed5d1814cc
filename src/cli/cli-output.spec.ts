import { InputRefused, NotFound } from '../common/errors/app-error';
import { driverError } from '../../test/utils/driver-error';
import { CliError, CliOutput, describeError } from './cli-output';

describe('describeError', () => {
  it('names each field of a form error', () => {
    const err = new InputRefused({ email: 'Enter an email address.', password: 'Use at least 12 characters.' });
    expect(describeError(err)).toBe('email: Enter an email address. password: Use at least 12 characters.');
  });

  it('keeps other app errors and CLI errors to their message, on one line', () => {
    expect(describeError(new NotFound('Organization not found.'))).toBe('Organization not found.');
    expect(describeError(new CliError('first\n   second\n'))).toBe('first second');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('describeError of a database error', () => {
  it('prints neither the SQL nor its values (a password hash), but the code', () => {
    const line = describeError(driverError());
    expect(line).not.toMatch(/insert into|\$argon2id\$/i);
    expect(line).toBe('SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: people.email');
    expect(describeError(driverError('SQLITE_BUSY', 'database is locked'))).toBe(
      'the database is busy, try again (SQLITE_BUSY)',
    );
  });
});

describe('CliOutput.table', () => {
  it('aligns columns under their headers without trailing spaces', () => {
    let text = '';
    const out = new CliOutput({ stdout: (s) => (text += s), stderr: () => undefined });
    out.table(
      ['email', 'role', 'password'],
      [
        ['a@x.test', 'operator', 'p1'],
        ['longer@x.test', 'member', 'p2'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'email          role      password',
      '-------------  --------  --------',
      'a@x.test       operator  p1',
      'longer@x.test  member    p2',
      '',
    ]);
  });
});
