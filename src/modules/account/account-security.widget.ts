import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/http/principal';
import type { WidgetData } from '../../platform/module-host/define-module';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';

/** The dashboard card on a person's own sign-in security: two-factor and recovery codes. */
@Injectable()
export class AccountSecurityWidget implements WidgetData {
  constructor(private readonly twoFactor: TwoFactorService) {}

  async load(user: Principal) {
    const status = await this.twoFactor.status(user.personId);
    return {
      twoFactorOn: status.enabled,
      required: status.required,
      recoveryCodesLeft: status.recoveryCodesLeft,
      // Fewer than three left: time to make new ones before the last is used.
      fewCodes: status.enabled && status.recoveryCodesLeft < 3,
    };
  }
}
