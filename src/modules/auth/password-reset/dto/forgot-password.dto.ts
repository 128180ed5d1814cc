import { Transform } from 'class-transformer';
import { IsEmailAddress } from '../../../../common/http/email-address';
import { FormDto } from '../../../../common/http/form.dto';
import { trim } from '../../../../common/http/text-rules';

export class ForgotPasswordDto extends FormDto {
  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter the email address you sign in with.' })
  email: string;
}
