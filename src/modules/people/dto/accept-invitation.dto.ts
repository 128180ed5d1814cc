import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';

/** The invited person's name and password. Passwords are taken as typed (the policy judges them). */
export class AcceptInvitationDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter your name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120, codePoints: true })
  name: string;

  @IsString({ message: 'Choose a password.' })
  password: string;

  @IsString({ message: 'Type the password again.' })
  confirmPassword: string;
}
