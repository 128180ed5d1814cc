import { Transform } from 'class-transformer';
import { IsIn, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';
import { CURRENCIES } from '../../../common/money';

/** A new plan of a product; numbers arrive as text and the service checks their ranges. */
export class PlanDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the edition, like Business.', invalid: LINE_OF_TEXT_MESSAGE, max: 60 })
  edition: string;

  @Transform(trim)
  @Matches(/^\d{1,6}$/, { message: 'Enter the number of seats, 1 to 100000.' })
  seats: string;

  @Transform(trim)
  @Matches(/^\d{1,2}$/, { message: 'Enter the term in months, 1 to 60.' })
  termMonths: string;

  @Transform(trim)
  @Matches(/^\d{1,9}([.,]\d{1,2})?$/, { message: 'Enter the price per seat, like 29.99.' })
  pricePerSeat: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsIn(Object.keys(CURRENCIES), { message: `Choose a currency: ${Object.keys(CURRENCIES).join(', ')}.` })
  currency: string;
}

/** An upgrade path between two plans of the product. */
export class UpgradePathDto extends FormDto {
  @Matches(/^[0-9a-f-]{36}$/, { message: 'Choose the plan to upgrade from.' })
  fromPlanId: string;

  @Matches(/^[0-9a-f-]{36}$/, { message: 'Choose the plan to upgrade to.' })
  toPlanId: string;
}
