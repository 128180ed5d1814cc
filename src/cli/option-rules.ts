import { createValidationPipe } from '../common/http/validation';

// The web forms' pipe: each DTO's rules, then the control-character rule of every input.
const pipe = createValidationPipe();

/**
 * Checks option values with the DTO of the form that takes the same input,
 * so the CLI refuses what the web refuses (line breaks, text-direction
 * overrides, control characters, lengths). Returns the DTO as the form gets
 * it (trimmed); a refusal is an InputRefused naming the fields, which
 * describeError prints as one line ("name: …").
 */
export async function checkOptions<T extends object>(dto: new () => T, values: Record<string, unknown>): Promise<T> {
  return (await pipe.transform(values, { type: 'body', metatype: dto })) as T;
}
