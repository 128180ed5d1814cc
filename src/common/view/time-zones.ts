import { isTimeZone } from '../../config/time-zone';
import { ValidateBy, type ValidationOptions } from 'class-validator';

// Every IANA zone this runtime knows, for the time zone pickers (about 400).
const ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

/** The options of a time zone `<select>`, the chosen one marked. */
export function timeZoneOptions(selected: string | null | undefined): { value: string; selected: boolean }[] {
  return ZONES.map((value) => ({ value, selected: value === selected }));
}

/** A form field holding an IANA time zone (an empty value is for @IsOptional to let through). */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: { validate: (value: unknown) => isTimeZone(value) },
    },
    { message: 'Choose a time zone from the list.', ...options },
  );
}
