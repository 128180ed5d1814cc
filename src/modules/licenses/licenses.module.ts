import { Module, type OnModuleInit } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { CatalogModule } from '../catalog/catalog.module';
import { HelpdeskModule } from '../helpdesk/helpdesk.module';
import { PersonFinders } from '../helpdesk/person-finders';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AdminLicensePageLocals, AdminLicensePages, AdminLicensesController } from './admin-licenses.controller';
import { AdminRenewalsController } from './admin-renewals.controller';
import { LicenseRemindersController } from './license-reminders.controller';
import { LicensePageLocals, LicensesController } from './licenses.controller';
import { LicensesRepository } from './licenses.repository';
import { LicensesService } from './licenses.service';
import { LicensesLapseJob } from './licenses-lapse.job';
import { ProductKeyFinder } from './product-key.finder';
import { RemindersRepository } from './reminders.repository';
import { RenewalBilling } from './renewal-billing';
import { RenewalRemindersJob } from './renewal-reminders.job';
import { RenewalRemindersService } from './renewal-reminders.service';

@Module({
  imports: [CatalogModule, OrganizationsModule, PeopleModule, HelpdeskModule, MailModule],
  controllers: [LicensesController, LicenseRemindersController, AdminLicensesController, AdminRenewalsController],
  providers: [
    LicensesService,
    LicensesRepository,
    LicensePageLocals,
    AdminLicensePageLocals,
    AdminLicensePages,
    LicensesLapseJob,
    ProductKeyFinder,
    RenewalBilling,
    RemindersRepository,
    RenewalRemindersService,
    RenewalRemindersJob,
  ],
  exports: [LicensesService, RenewalBilling, RenewalRemindersService],
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
