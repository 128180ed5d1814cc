import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { CONTROL_CHARACTER } from '../../../common/http/text-rules';

export class ConfirmPasswordDto extends FormDto {
  @IsString({ message: 'Enter your password.' })
  password: string;

  // A hidden field: a value that is not a plain, short path is dropped, and
  // the page goes on to its default (the controller checks the path itself).
  @Transform(({ value }) =>
    typeof value === 'string' && value.length <= 2000 && !CONTROL_CHARACTER.test(value) ? value : undefined,
  )
  @IsOptional()
  @IsString({ message: 'Reload the page and try again.' })
  next?: string;
}
