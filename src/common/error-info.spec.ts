import { driverError } from '../../test/utils/driver-error';
import { describeDatabaseError, isDatabaseError, safeErrorMessage } from './error-info';

describe('database errors', () => {
  it('are recognised by their code or their SQL, and described without either', () => {
    const err = driverError();
    expect(isDatabaseError(err)).toBe(true);
    expect(describeDatabaseError(err)).toBe('database error (SQLITE_CONSTRAINT_UNIQUE)');
    expect(safeErrorMessage(err)).not.toMatch(/insert into|\$argon2/i);
    expect(describeDatabaseError(driverError('SQLITE_BUSY', 'database is locked'))).toBe(
      'the database is busy, try again (SQLITE_BUSY)',
    );
  });

  it('leave other errors their message', () => {
    expect(isDatabaseError(new Error('Select an organization from the list.'))).toBe(false);
    expect(safeErrorMessage(new Error('EACCES: permission denied'))).toBe('EACCES: permission denied');
  });
});
