import { Transform } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';
import { IsCountryCode } from './country.rule';

/** An empty field is "not given": undefined, so @IsOptional skips its rules. */
export const blankToUndefined = ({ value }: { value: unknown }): unknown => {
  const trimmed = trimLine({ value });
  return trimmed === '' ? undefined : trimmed;
};

const line = (max: number) =>
  IsLineOfText({ missing: 'Check this field and try again.', invalid: LINE_OF_TEXT_MESSAGE, max });

/** A loose tax id: letters, digits, spaces, dashes and dots, 2 to 20 of them ("DE 123 456 789", "GB123456789"). */
export const TAX_ID = /^[A-Za-z0-9 .-]{2,20}$/;
export const TAX_ID_MESSAGE = 'Enter the tax id as issued: 2 to 20 letters, digits, spaces, dashes or dots.';

/** The billing details form: every field may be left empty. */
export class BillingDetailsDto extends FormDto {
  @Transform(blankToUndefined)
  @IsOptional()
  @line(120)
  companyName?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @line(120)
  addressLine1?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @line(120)
  addressLine2?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @line(80)
  city?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @line(20)
  postalCode?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @line(80)
  region?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsCountryCode()
  country?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(TAX_ID, { message: TAX_ID_MESSAGE })
  taxId?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsLineOfText({
    missing: 'Check this field and try again.',
    invalid: LINE_OF_TEXT_MESSAGE,
    max: 40,
    tooLong: 'Use at most 40 characters for the purchase-order reference.',
  })
  poReference?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsEmailAddress({ missing: 'Enter the billing email address, or leave it empty.' })
  billingEmail?: string;
}
