import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from '../../../common/http/text-rules';

/**
 * The upload form's fields (the file itself arrives through
 * InstallerUploadMiddleware). The service checks them together with the
 * file, so every problem is said beside its field at once.
 */
export class ReleaseDto extends FormDto {
  @IsOptional()
  @IsString()
  productId?: string;

  @IsOptional()
  @IsString()
  platform?: string;

  @IsOptional()
  @IsString()
  @Transform(trim)
  version?: string;

  @IsOptional()
  @IsString()
  notes?: string;
}
