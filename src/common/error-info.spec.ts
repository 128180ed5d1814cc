import { driverError } from '../../test/utils/driver-error';
import { describeDatabaseError, isDatabaseError, safeErrorMessage } from './error-info';

describe('database errors', () => {
  it('are recognised by their code or their SQL, and described without either', () => {
    const err = driverError();
    expect(isDatabaseError(err)).toBe(true);
    expect(describeDatabaseError(err)).toBe('SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: people.email');
    expect(safeErrorMessage(err)).not.toMatch(/insert into|\$argon2/i);
    expect(describeDatabaseError(driverError('SQLITE_BUSY', 'database is locked'))).toBe(
      'the database is busy, try again (SQLITE_BUSY)',
    );
  });

  it('keep only the driver’s words, and not when they quote the statement', () => {
    const nearValue = driverError('SQLITE_ERROR', 'near "\'secret-value\'": syntax error');
    expect(describeDatabaseError(nearValue)).toBe('database error (SQLITE_ERROR)');
    const trigger = driverError('SQLITE_CONSTRAINT_TRIGGER', 'the disk refused');
    expect(describeDatabaseError(trigger)).toBe('SQLITE_CONSTRAINT_TRIGGER: the disk refused');
    // better-sqlite3's own error (from Sql) has no statement in its message.
    const direct = Object.assign(new Error('the disk refused'), { code: 'SQLITE_CONSTRAINT_TRIGGER' });
    expect(describeDatabaseError(direct)).toBe('SQLITE_CONSTRAINT_TRIGGER: the disk refused');
  });

  it('leave other errors their message', () => {
    expect(isDatabaseError(new Error('Select an organization from the list.'))).toBe(false);
    expect(safeErrorMessage(new Error('EACCES: permission denied'))).toBe('EACCES: permission denied');
  });
});
