import { IsText } from '../../../common/http/text-rules';
import { FormDto } from '../../../common/http/form.dto';

export class DisableTwoFactorDto extends FormDto {
  @IsText({ missing: 'Enter your password.', max: 1024, tooLong: 'That password is not right.' })
  password: string;

  @IsText({
    missing: 'Enter the code from your app, or a recovery code.',
    max: 64,
    tooLong: 'That code is not right. Enter the code your app shows now.',
  })
  code: string;
}
