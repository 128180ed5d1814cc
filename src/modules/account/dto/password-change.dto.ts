import { IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsText } from '../../../common/http/text-rules';

// Passwords are never trimmed: the policy and the hash see what was typed.
export class PasswordChangeDto extends FormDto {
  @IsText({ missing: 'Enter your current password.' })
  currentPassword: string;

  @IsText({ missing: 'Choose a new password.' })
  newPassword: string;

  @IsString({ message: 'Type the new password again.' })
  confirmPassword: string;
}
