import { IsIn } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class StaffRoleDto extends FormDto {
  @IsIn(['helpdesk', 'operator'], { message: 'Choose Helpdesk or Operator.' })
  role: 'helpdesk' | 'operator';
}
