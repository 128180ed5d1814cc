import { Module, type OnModuleInit } from '@nestjs/common';
import { MailModule } from '../../platform/mail/mail.module';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { RenewalBilling } from '../licenses/renewal-billing';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PeopleModule } from '../people/people.module';
import { AdminBillingController, AdminInvoicePages } from './admin-billing.controller';
import { BillingDetailsController, BillingEmailController, BillingPageLocals } from './billing-details.controller';
import { BillingHistoryController } from './billing-history.controller';
import { BillingProfilesRepository } from './billing-profiles.repository';
import { BillingProfilesService } from './billing-profiles.service';
import { BillingSettingsController, BillingSettingsPageLocals } from './billing-settings.controller';
import { BillingSettingsRepository } from './billing-settings.repository';
import { BillingSettingsService } from './billing-settings.service';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';
import { OrderPages, OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentMethodsRepository } from './payment-methods.repository';
import { PaymentMethodsService } from './payment-methods.service';
import { PaymentProviders } from './payment-providers';

@Module({
  imports: [CatalogModule, LicensesModule, OrganizationsModule, PeopleModule, MailModule],
  controllers: [
    BillingDetailsController,
    BillingEmailController,
    BillingSettingsController,
    OrdersController,
    BillingHistoryController,
    AdminBillingController,
  ],
  providers: [
    BillingProfilesRepository,
    BillingProfilesService,
    BillingSettingsRepository,
    BillingSettingsService,
    BillingPageLocals,
    BillingSettingsPageLocals,
    PaymentMethodsRepository,
    PaymentMethodsService,
    PaymentProviders,
    OrdersRepository,
    OrdersService,
    OrderPages,
    InvoicesRepository,
    InvoicesService,
    AdminInvoicePages,
  ],
  exports: [BillingProfilesService, PaymentMethodsService, BillingSettingsService, OrdersService, InvoicesService],
})
export class BillingModule implements OnModuleInit {
  constructor(
    private readonly renewals: RenewalBilling,
    private readonly orders: OrdersService,
  ) {}

  // Licenses renew through billing at expiry, and remind its billing email.
  onModuleInit(): void {
    this.renewals.register(this.orders);
  }
}
