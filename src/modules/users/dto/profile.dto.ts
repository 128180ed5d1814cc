import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from './trim';

export class ProfileDto extends FormDto {
  @Transform(trim)
  @IsString({ message: 'Enter your name.' })
  @MinLength(1, { message: 'Enter your name.' })
  @MaxLength(120, { message: 'Use at most 120 characters.' })
  name: string;
}
