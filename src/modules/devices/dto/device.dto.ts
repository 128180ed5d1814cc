import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsEmailAddress } from '../../../common/http/email-address';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';
import { PLATFORMS, type Platform } from '../../catalog/platforms';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

export class DeviceNameDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the device name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name: string;

  /** Admins only: whose device it is (empty: nobody in particular). Members' devices are their own. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsEmailAddress({ missing: 'Enter the owner’s email address, or leave it empty.' })
  ownerEmail?: string;
}

export class NewDeviceDto extends DeviceNameDto {
  @IsIn(PLATFORMS, { message: 'Choose the platform.' })
  platform: Platform;

  @Matches(UUID, { message: 'Choose a license.' })
  licenseId: string;
}

export class MoveDeviceDto extends FormDto {
  @Matches(UUID, { message: 'Choose a license.' })
  licenseId: string;
}

export class ReclaimDto extends FormDto {
  @Transform(trim)
  @Matches(/^[1-9]\d{0,2}$/, { message: 'Enter a number of days, 1 to 999.' })
  days: string;

  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : value === undefined ? [] : [value]))
  @Matches(UUID, { each: true, message: 'Reload the preview and try again.' })
  deviceIds: string[];
}
