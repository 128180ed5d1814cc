// Reading what a person would see in a rendered page, without a DOM.

/** Undoes Handlebars' escaping of the characters our messages use. */
export const unescapeHtml = (html: string) =>
  html
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The message shown under a field of a refused form. */
export function fieldError(html: string, field: string): string | undefined {
  const match = new RegExp(`id="field-${field}-error">([^<]*)<`).exec(html);
  return match?.[1] ? unescapeHtml(match[1]) : undefined;
}

/** The messages of the error summary at the top of a refused form. */
export function errorSummary(html: string): string[] {
  const list = /<ul class="alert-list app-error-list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>(?:<a [^>]*>)?([^<]*)(?:<\/a>)?<\/li>/g)].map((m) => unescapeHtml(m[1]));
}

/** The message of an error page. */
export function pageMessage(html: string): string | undefined {
  const match = /<p class="empty-subtitle text-secondary">([^<]*)<\/p>/.exec(html);
  return match ? unescapeHtml(match[1]) : undefined;
}
