import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** The article form's fields; the service checks them together, so every problem is said beside its field. */
export class ArticleDto extends FormDto {
  @IsOptional()
  @IsString()
  title?: string;

  @IsOptional()
  @IsString()
  body?: string;

  @IsOptional()
  @IsString()
  category?: string;

  @IsOptional()
  @IsString()
  visibility?: string;

  @IsOptional()
  @IsString()
  status?: string;
}

/** A "was this helpful?" answer. */
export class HelpfulDto extends FormDto {
  @IsOptional()
  @IsString()
  helpful?: string;
}
