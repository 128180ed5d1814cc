import { Transform } from 'class-transformer';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, IsText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';

/**
 * A card typed into the form. The number and the security code are only
 * checked here for being there; card.ts judges them, and neither is ever
 * kept, logged or shown again (a refused form comes back with them empty).
 */
export class PaymentMethodDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the name on the card.', invalid: LINE_OF_TEXT_MESSAGE, max: 80 })
  holderName: string;

  @IsText({ missing: 'Enter the card number.', max: 40, tooLong: 'Enter the card number as printed on the card.' })
  cardNumber: string;

  @IsText({
    missing: 'Enter the expiry date as on the card, MM/YY.',
    max: 10,
    tooLong: 'Enter the expiry date as MM/YY.',
  })
  expiry: string;

  @IsText({ missing: 'Enter the security code.', max: 10, tooLong: 'Enter the 3 or 4 digits of the security code.' })
  cvc: string;
}
