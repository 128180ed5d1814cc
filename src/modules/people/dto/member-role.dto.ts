import { IsIn } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** An org admin grants at most their own role: admin or member, never a staff role. */
export class MemberRoleDto extends FormDto {
  @IsIn(['admin', 'member'], { message: 'Choose Organization admin or Member.' })
  role: 'admin' | 'member';
}
