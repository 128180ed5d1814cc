import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';

@Module({
  imports: [CatalogModule, LicensesModule, OrganizationsModule, PeopleModule],
  controllers: [],
  providers: [],
  exports: [],
})
export class BillingModule {}
