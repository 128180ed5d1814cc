import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../../common/http/form.dto';
import { CONTROL_CHARACTER } from '../../../../common/http/text-rules';

/** Passwords are taken as typed: never trimmed or truncated (the policy judges them). */
export class ResetPasswordDto extends FormDto {
  // A hidden field: any value passes, and one that cannot be a token becomes ''.
  // A missing or altered token is answered with the "link no longer works" page, not a field message.
  @Transform(({ value }) => (typeof value === 'string' && !CONTROL_CHARACTER.test(value) ? value : ''))
  @IsOptional()
  @IsString({ message: 'This link no longer works.' })
  token?: string;

  @IsString({ message: 'Choose a new password.' })
  password: string;

  @IsString({ message: 'Type the new password again.' })
  confirmPassword: string;
}
