import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** The form a confirmation link's page posts: the link's token, in a hidden field. */
export class BillingEmailLinkDto extends FormDto {
  // Anything but a string is no link: the service refuses it like any other bad link.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value : ''))
  @IsString()
  token = '';
}
