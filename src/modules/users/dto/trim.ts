/** For @Transform: form text fields are compared and stored without surrounding spaces (never passwords). */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
