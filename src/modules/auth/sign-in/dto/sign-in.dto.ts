import { Transform } from 'class-transformer';
import { Allow, ValidateIf } from 'class-validator';
import { FormDto } from '../../../../common/http/form.dto';
import { IsEmailAddress } from '../../../../common/http/email-address';
import { IsText, trim } from '../../../../common/http/text-rules';

/**
 * The sign-in form. Checked by LocalAuthGuard before the password step (the
 * guard runs before pipes), so refused input is answered on the form and never
 * reaches the password check or the audit. The rules say nothing about whether
 * an account exists: that answer stays the one generic 401, which is also the
 * answer to an empty or missing email or password (as for every failed sign-in).
 */
const given = (_: object, value: unknown) => value !== undefined && value !== '';

export class SignInDto extends FormDto {
  @Transform(trim)
  @ValidateIf(given)
  // The one address rule of every form: no line break, control character or second address.
  @IsEmailAddress({ missing: 'Enter the email address you sign in with.' })
  email?: string;

  // Taken as typed (never trimmed); the hasher's limit.
  @ValidateIf(given)
  @IsText({ missing: 'Enter your password.', max: 1024 })
  password?: string;

  // Where to go afterwards: any value, safeNextPath() keeps it on this site.
  @Allow()
  next?: unknown;
}
