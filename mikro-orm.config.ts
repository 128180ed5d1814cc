// Configuration for the `mikro-orm` CLI (for example `npx mikro-orm migration:create --blank`).
// The application itself builds the same options through buildOrmConfig().
import { loadAppConfig } from './src/config/app.config';
import { buildOrmConfig } from './src/platform/database/orm.config';
import { Organization } from './src/modules/organizations/organization.entity';
import { Person } from './src/modules/people/person.entity';
import { Session } from './src/modules/auth/sessions/session.entity';

export default buildOrmConfig(loadAppConfig(), [Organization, Person, Session]);
