import { IsString, MinLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

// Passwords are never trimmed: the policy and the hash see what was typed.
export class PasswordChangeDto extends FormDto {
  @IsString({ message: 'Enter your current password.' })
  @MinLength(1, { message: 'Enter your current password.' })
  currentPassword: string;

  @IsString({ message: 'Choose a new password.' })
  @MinLength(1, { message: 'Choose a new password.' })
  newPassword: string;

  @IsString({ message: 'Type the new password again.' })
  confirmPassword: string;
}
