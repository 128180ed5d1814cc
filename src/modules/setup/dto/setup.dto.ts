import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';

export class SetupDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the organization name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  orgName: string;

  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter your name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name: string;

  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter your email address.' })
  email: string;

  @IsString({ message: 'Choose a password.' })
  password: string;

  @IsString({ message: 'Type the password again.' })
  confirmPassword: string;
}
