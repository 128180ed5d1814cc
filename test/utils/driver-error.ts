import { UniqueConstraintViolationException } from '@mikro-orm/core';

export const ARGON2_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$rSHKobckkS98zm4hNZlbPw$mBZS+Y86RXmfo+z34w0AYOlhJXX3MyeV3T23zgapOxk';

/** What MikroORM throws for a refused INSERT: knex's "<sql> - <driver message>" and the driver's code. */
export function driverError(code = 'SQLITE_CONSTRAINT_UNIQUE', text = 'UNIQUE constraint failed: people.email') {
  const cause = Object.assign(
    new Error(`insert into \`people\` (\`email\`, \`password_hash\`) values ('a@x.test', '${ARGON2_HASH}') - ${text}`),
    { code },
  );
  return new UniqueConstraintViolationException(cause);
}
