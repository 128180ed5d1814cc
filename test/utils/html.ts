import { parse, type HTMLElement } from 'node-html-parser';

// Reading what a person would see in a rendered page, through an HTML parser:
// entities are decoded and markup order or attribute order does not matter.

/** A page as served (supertest's `res.text`) or an element already parsed. */
export type Html = string | HTMLElement;

/** The parsed page (or the element itself). */
export function dom(html: Html): HTMLElement {
  return typeof html === 'string' ? parse(html) : html;
}

/** Text as shown: entities decoded, runs of white space as one space, trimmed. */
export function visibleText(element: HTMLElement): string {
  return element.text.replace(/\s+/g, ' ').trim();
}

/** The text of the first element matching `selector`; undefined when there is none. */
export function textOf(html: Html, selector: string): string | undefined {
  const element = dom(html).querySelector(selector);
  return element ? visibleText(element) : undefined;
}

/** The text of every element matching `selector`, in page order. */
export function textsOf(html: Html, selector: string): string[] {
  return dom(html).querySelectorAll(selector).map(visibleText);
}

/** An attribute (decoded) of the first element matching `selector`. */
export function attrOf(html: Html, selector: string, attribute: string): string | undefined {
  return dom(html).querySelector(selector)?.getAttribute(attribute);
}

/** One attribute (decoded) of every element matching `selector` that has it. */
export function attrsOf(html: Html, selector: string, attribute: string): string[] {
  return dom(html)
    .querySelectorAll(selector)
    .map((element) => element.getAttribute(attribute))
    .filter((value): value is string => value !== undefined);
}

/** The elements matching `selector` (e.g. the rows of a list, to read inside each). */
export function all(html: Html, selector: string): HTMLElement[] {
  return dom(html).querySelectorAll(selector);
}

/** The first element matching `selector`; throws when there is none. */
export function one(html: Html, selector: string): HTMLElement {
  const element = dom(html).querySelector(selector);
  if (!element) throw new Error(`Nothing on the page matches ${selector}`);
  return element;
}

/** The cell texts of each body row of the first table matching `selector`. */
export function tableRows(html: Html, selector = 'table'): string[][] {
  const table = dom(html).querySelector(selector);
  if (!table) return [];
  const body = table.querySelector('tbody') ?? table;
  return body
    .querySelectorAll('tr')
    .filter((row) => row.querySelector('td'))
    .map((row) => row.querySelectorAll('td').map(visibleText));
}

/** The page's h1, as shown. */
export function heading(html: Html): string | undefined {
  return textOf(html, 'h1');
}

/** The hidden `_csrf` value of the first form on a page. */
export function csrfFrom(html: Html): string {
  const value = attrOf(html, 'input[name="_csrf"]', 'value');
  if (!value) throw new Error('No _csrf field on the page');
  return value;
}

/**
 * What a form field holds as served: an input's value, a textarea's text, a
 * select's chosen option; for a checkbox or radio, the value when checked.
 */
export function fieldValue(html: Html, name: string): string | undefined {
  const fields = dom(html).querySelectorAll(`[name="${name}"]`);
  for (const field of fields) {
    const tag = field.tagName.toLowerCase();
    if (tag === 'textarea') return field.text;
    if (tag === 'select') {
      const chosen = field.querySelector('option[selected]') ?? field.querySelector('option');
      return chosen ? (chosen.getAttribute('value') ?? visibleText(chosen)) : undefined;
    }
    const type = (field.getAttribute('type') ?? 'text').toLowerCase();
    if (type === 'checkbox' || type === 'radio') {
      if (field.hasAttribute('checked')) return field.getAttribute('value') ?? 'on';
      continue;
    }
    return field.getAttribute('value') ?? '';
  }
  return undefined;
}

/** Whether the checkbox or radio named `name` is ticked as served. */
export function isChecked(html: Html, name: string): boolean {
  return dom(html)
    .querySelectorAll(`input[name="${name}"]`)
    .some((field) => field.hasAttribute('checked'));
}

/** The values of the ticked checkboxes (or radio) named `name`, in page order. */
export function checkedValues(html: Html, name: string): string[] {
  return dom(html)
    .querySelectorAll(`input[name="${name}"]`)
    .filter((field) => field.hasAttribute('checked'))
    .map((field) => field.getAttribute('value') ?? 'on');
}

/** The message shown under a field of a refused form (undefined when none). */
export function fieldError(html: Html, field: string): string | undefined {
  return textOf(html, `#field-${field}-error`) || undefined;
}

/** Whether a field is marked invalid for the eye (class) and for assistive technology (aria-invalid). */
export function isInvalid(html: Html, field: string): boolean {
  const input = dom(html).querySelector(`#field-${field}`);
  return !!input && input.classList.contains('is-invalid') && input.getAttribute('aria-invalid') === 'true';
}

/** The messages of the error summary at the top of a refused form. */
export function errorSummary(html: Html): string[] {
  return textsOf(html, 'ul.app-error-list > li');
}

/** The message of an error page. */
export function pageMessage(html: Html): string | undefined {
  return textOf(html, 'p.empty-subtitle');
}

/** The flash messages at the top of the page, in order. */
export function flashMessages(html: Html): string[] {
  return textsOf(html, '.app-flash .alert');
}

export interface Link {
  label: string;
  href: string;
}

/** Every link matching `selector`, with its text as shown and its (decoded) href. */
export function links(html: Html, selector = 'a[href]'): Link[] {
  return dom(html)
    .querySelectorAll(selector)
    .filter((a) => a.hasAttribute('href'))
    .map((a) => ({ label: visibleText(a) || (a.getAttribute('aria-label') ?? ''), href: a.getAttribute('href')! }));
}

/** The href of the first link whose text is `label` (or matches it). */
export function linkByLabel(html: Html, label: string | RegExp, selector = 'a[href]'): string | undefined {
  const matches = (text: string) => (typeof label === 'string' ? text === label : label.test(text));
  return links(html, selector).find((link) => matches(link.label))?.href;
}

/** The href of the main navigation's item for the current page. */
export function currentNavHref(html: Html): string | undefined {
  return attrOf(html, 'nav[aria-label="Main"] a[aria-current="page"]', 'href');
}

/** The href of the pagination's Next or Previous link (decoded, ready to GET). */
export function pageLink(html: Html, rel: 'next' | 'prev'): string | undefined {
  return attrOf(html, `a.page-link[rel="${rel}"]`, 'href');
}

/** The page as text a person reads (no tags, entities decoded). */
export function pageText(html: Html): string {
  return visibleText(dom(html));
}

/** Undoes Handlebars' escaping of the characters our messages use (for assertions on raw markup). */
export const unescapeHtml = (html: string) =>
  html
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
