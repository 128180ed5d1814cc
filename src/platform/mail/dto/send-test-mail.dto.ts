import { Transform } from 'class-transformer';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from '../../../common/http/text-rules';

export class SendTestMailDto extends FormDto {
  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter the address to send the test message to.' })
  to: string;
}
