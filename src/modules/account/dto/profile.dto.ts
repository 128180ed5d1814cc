import { Transform } from 'class-transformer';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';

export class ProfileDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter your name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name: string;
}
