import { registerDecorator } from 'class-validator';
import { isCountry } from '../countries';

/** One of the countries of the list (ISO 3166-1 alpha-2, upper case). */
export const IsCountryCode =
  (message = 'Choose a country from the list.'): PropertyDecorator =>
  (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCountryCode',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message },
      validator: { validate: (value: unknown) => isCountry(value) },
    });
