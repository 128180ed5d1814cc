import { Transform } from 'class-transformer';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';

/** Why an invoice is voided or refunded (operators), for the audit log. */
export class InvoiceReasonDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Say why, for the audit log.', invalid: LINE_OF_TEXT_MESSAGE, max: 200 })
  reason: string;
}
