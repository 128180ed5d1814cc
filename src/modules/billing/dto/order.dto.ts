import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from '../../../common/http/text-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a quote is for (`POST /billing/orders/new`). */
export class NewOrderDto extends FormDto {
  @Matches(UUID, { message: 'Choose a license.' })
  licenseId: string;

  @IsIn(['renew', 'upgrade', 'add_seats'], { message: 'Choose renew, upgrade or add seats.' })
  kind: 'renew' | 'upgrade' | 'add_seats';

  @IsOptional()
  @Transform(trim)
  @Matches(/^\d{1,5}$/, { message: 'Enter how many seats to add, 1 to 10000.' })
  seats?: string;

  @IsOptional()
  @Matches(UUID, { message: 'Choose one of the plans this license can move to.' })
  planId?: string;
}

/** How to pay a quote: `invoice`, or a saved card's id. */
export class ConfirmOrderDto extends FormDto {
  @Matches(/^(invoice|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: 'Choose one of your cards, or pay by invoice.',
  })
  paymentMethod: string;
}
