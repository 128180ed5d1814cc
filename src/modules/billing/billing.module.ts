import { Module } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { BillingDetailsController, BillingEmailController, BillingPageLocals } from './billing-details.controller';
import { BillingProfilesRepository } from './billing-profiles.repository';
import { BillingProfilesService } from './billing-profiles.service';
import { BillingSettingsController, BillingSettingsPageLocals } from './billing-settings.controller';
import { BillingSettingsRepository } from './billing-settings.repository';
import { BillingSettingsService } from './billing-settings.service';
import { PaymentMethodsRepository } from './payment-methods.repository';
import { PaymentMethodsService } from './payment-methods.service';

@Module({
  imports: [CatalogModule, LicensesModule, OrganizationsModule, PeopleModule, MailModule],
  controllers: [BillingDetailsController, BillingEmailController, BillingSettingsController],
  providers: [
    BillingProfilesRepository,
    BillingProfilesService,
    BillingSettingsRepository,
    BillingSettingsService,
    BillingPageLocals,
    BillingSettingsPageLocals,
    PaymentMethodsRepository,
    PaymentMethodsService,
  ],
  exports: [BillingProfilesService, PaymentMethodsService, BillingSettingsService],
})
export class BillingModule {}
