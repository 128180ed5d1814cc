import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Allow, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';
import { AGENT_VERSION } from '../platforms';
import { PlanDto } from './plan.dto';

// A product's fields, shared by the new-product and the product form.
const ProductName = () =>
  applyDecorators(
    Transform(trimLine),
    IsLineOfText({ missing: 'Enter the product name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 }),
  );
// A form's checkboxes (one value or several) or the CLI's comma list, as given: the service names unknown ones back.
const Platforms = () =>
  applyDecorators(
    Allow(),
    Transform(({ value }: { value: unknown }): unknown =>
      Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value,
    ),
  );
const AgentVersion = () =>
  applyDecorators(
    Transform(trim),
    Matches(AGENT_VERSION, { message: 'Enter the agent version as numbers with dots, like 8.2.1.' }),
  );

/** A product's editable fields (the SKU is fixed once created: licenses and downloads name it). */
export class ProductDetailsDto extends FormDto {
  @ProductName()
  name: string;

  @Platforms()
  platforms?: unknown;

  @AgentVersion()
  agentVersion: string;
}

/** A new product with its first plan. */
export class NewProductDto extends PlanDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,31}$/, { message: 'Enter a SKU of 2 to 32 letters, digits and dashes, like SD-ES.' })
  sku: string;

  @ProductName()
  name: string;

  @Platforms()
  platforms?: unknown;

  @AgentVersion()
  agentVersion: string;
}
