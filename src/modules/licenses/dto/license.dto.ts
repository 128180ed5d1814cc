import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A new license (operators). */
export class NewLicenseDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the organization’s name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  organization: string;

  @Matches(UUID, { message: 'Choose a product.' })
  productId: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @Matches(UUID, { message: 'Choose a plan of the product.' })
  planId?: string;

  @Transform(trim)
  @Matches(/^\d{1,6}$/, { message: 'Enter the number of seats, 1 to 100000.' })
  seats: string;

  @Transform(trim)
  @Matches(DATE, { message: 'Enter the expiry date as YYYY-MM-DD.' })
  expiresAt: string;

  @IsOptional()
  @IsIn(['on'], { message: 'Tick the box or leave it empty.' })
  autoRenew?: string;
}

export class ExtendLicenseDto extends FormDto {
  @Transform(trim)
  @Matches(DATE, { message: 'Enter the new expiry date as YYYY-MM-DD.' })
  expiresAt: string;
}

export class LicenseReasonDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Say why, for the license’s history.', invalid: LINE_OF_TEXT_MESSAGE, max: 200 })
  reason: string;
}

export class AutoRenewDto extends FormDto {
  @IsIn(['on', 'off'], { message: 'Choose on or off.' })
  autoRenew: string;
}

export class SnoozeRemindersDto extends FormDto {
  @IsIn(['7', '30'], { message: 'Choose 7 or 30 days.' })
  days: string;
}

export class ReminderMailDto extends FormDto {
  @IsIn(['on', 'off'], { message: 'Choose on or off.' })
  mail: string;
}
