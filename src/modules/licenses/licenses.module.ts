import { Module, type OnModuleInit } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { HelpdeskModule } from '../helpdesk/helpdesk.module';
import { PersonFinders } from '../helpdesk/person-finders';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AdminLicensePageLocals, AdminLicensePages, AdminLicensesController } from './admin-licenses.controller';
import { LicensePageLocals, LicensesController } from './licenses.controller';
import { LicensesRepository } from './licenses.repository';
import { LicensesService } from './licenses.service';
import { LicensesLapseJob } from './licenses-lapse.job';
import { ProductKeyFinder } from './product-key.finder';
import { RenewalBilling } from './renewal-billing';

@Module({
  imports: [CatalogModule, OrganizationsModule, PeopleModule, HelpdeskModule],
  controllers: [LicensesController, AdminLicensesController],
  providers: [
    LicensesService,
    LicensesRepository,
    LicensePageLocals,
    AdminLicensePageLocals,
    AdminLicensePages,
    LicensesLapseJob,
    ProductKeyFinder,
    RenewalBilling,
  ],
  exports: [LicensesService, RenewalBilling],
})
export class LicensesModule implements OnModuleInit {
  constructor(
    private readonly finders: PersonFinders,
    private readonly byKey: ProductKeyFinder,
  ) {}

  // The helpdesk finds the people who hold a product key.
  onModuleInit(): void {
    this.finders.register(this.byKey);
  }
}
