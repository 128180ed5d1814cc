import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** Passwords are taken as typed: never trimmed or truncated (the policy judges them). */
export class ResetPasswordDto extends FormDto {
  // A missing or altered token is answered with the "link no longer works" page, not a field message.
  @IsOptional()
  @IsString()
  token?: string;

  @IsString({ message: 'Choose a new password.' })
  password: string;

  @IsString({ message: 'Type the new password again.' })
  confirmPassword: string;
}
