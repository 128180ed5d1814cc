import { IsOptional, IsString } from 'class-validator';

/** Every HTML form posts `_csrf` (checked by CsrfGuard); DTOs of forms extend this. */
export abstract class FormDto {
  @IsOptional()
  @IsString()
  _csrf?: string;
}

/** A form with nothing but its CSRF token: a confirmation button. */
export class ConfirmFormDto extends FormDto {}
