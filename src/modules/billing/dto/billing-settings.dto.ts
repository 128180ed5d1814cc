import { Transform } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, IsText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';
import { blankToUndefined, TAX_ID, TAX_ID_MESSAGE } from './billing-details.dto';
import { IsCountryCode } from './country.rule';

/** The seller's details (what every invoice shows as its issuer) and the payment terms. */
export class BillingSettingsDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the seller name invoices show.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  sellerName: string;

  // Lines of the address; each is checked as a line of text by the service.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsOptional()
  @IsText({ missing: 'Enter the address, or leave it empty.', max: 600, tooLong: 'Use at most 600 characters.' })
  sellerAddress?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsCountryCode()
  sellerCountry?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(TAX_ID, { message: TAX_ID_MESSAGE })
  sellerTaxId?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsEmailAddress({ missing: 'Enter the email address invoices show, or leave it empty.' })
  sellerEmail?: string;

  @Transform(trimLine)
  @Matches(/^\d{1,3}$/, { message: 'Enter a whole number of days from 0 to 120.' })
  paymentTermsDays: string;
}

/** A country's tax rate, in percent with at most two decimals ("19", "7.5", "20.00"). */
export class TaxRateDto extends FormDto {
  @Transform(trimLine)
  @IsCountryCode()
  country: string;

  @Transform(trimLine)
  @Matches(/^\d{1,3}(\.\d{1,2})?$/, { message: 'Enter the rate in percent, like 19 or 7.5 (at most two decimals).' })
  rate: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsLineOfText({ missing: 'Check this field and try again.', invalid: LINE_OF_TEXT_MESSAGE, max: 40 })
  label?: string;
}
