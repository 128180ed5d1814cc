import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerHelpers } from '../../common/view/helpers';
import type { HbsInstance } from '../../common/view/view-engine';

/**
 * What a template receives. Every key is available to the template, its
 * layout and its subject line; `antiPhishingPhrase` is shown near the top of
 * both parts when present.
 */
export type MailData = Record<string, unknown> & { antiPhishingPhrase?: string | null };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Format = 'html' | 'text';
type Template = (context: unknown, options?: { data?: Record<string, unknown> }) => string;
interface HelperOptions {
  hash: Record<string, unknown>;
  data?: { mailFormat?: Format };
}

// The part of Handlebars (through hbs) the renderer uses.
interface MailHandlebars {
  compile(source: string, options?: { noEscape?: boolean }): Template;
  registerPartial(name: string, source: string): void;
  SafeString: new (value: string) => unknown;
}

interface CompiledTemplate {
  subject: Template;
  html: Template;
  text: Template;
}

const SUBJECT = /^\s*\{\{!--\s*subject:\s*(.+?)\s*--\}\}[ \t]*\r?\n?/;
const LINK = /\b(?:href|src)\s*=\s*"([^"]*)"/gi;
const ABSOLUTE = /^(?:https?:\/\/|mailto:)/i;
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#x27': "'",
  '#x3D': '=',
  '#x60': '`',
  '#39': "'",
};

function decodeEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60|#39);/g, (_, name: string) => ENTITIES[name]);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

function tidyText(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/**
 * Renders the mail templates of `views/mail/` with its own Handlebars
 * instance (never the pages' one):
 *
 * - `<name>.html.hbs` and `<name>.text.hbs` are the two parts of a message;
 *   each is wrapped in `layout.html.hbs` / `layout.text.hbs` (`{{{body}}}` /
 *   `{{body}}`).
 * - The first line of `<name>.text.hbs` is `{{!-- subject: … --}}`, itself a
 *   template over the same data.
 * - Links come from `{{url "/path" key=value}}`, absolute from BASE_URL. A
 *   relative link in the HTML part, or one missing from the text part, is a
 *   programming error: render() throws.
 * - `views/mail/partials/<name>.hbs` are partials, e.g. `{{> button href=(url "/x") label="…"}}`.
 * - The HTML part is escaped as usual; the text part is not (it is text/plain).
 */
export class MailRenderer {
  private readonly handlebars: MailHandlebars;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly layouts: Record<Format, Template>;

  constructor(
    private readonly dir: string,
    private readonly baseUrl: string,
    private readonly productName = 'SeatDesk',
  ) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hbs = (require('hbs') as { create(): HbsInstance & { handlebars: MailHandlebars } }).create();
    registerHelpers(hbs);
    hbs.registerHelper('url', (...args: unknown[]) => {
      const options = args[args.length - 1] as HelperOptions;
      return this.urlHelper(args[0], options);
    });
    this.handlebars = hbs.handlebars;
    const partials = join(dir, 'partials');
    if (existsSync(partials)) {
      for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
        this.handlebars.registerPartial(file.slice(0, -'.hbs'.length), readFileSync(join(partials, file), 'utf8'));
      }
    }
    this.layouts = {
      html: this.compileFile('layout.html.hbs', 'html'),
      text: this.compileFile('layout.text.hbs', 'text'),
    };
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.text.hbs') && f !== 'layout.text.hbs')) {
      this.load(file.slice(0, -'.text.hbs'.length));
    }
  }

  /** Template names, e.g. `test-message`. */
  names(): string[] {
    return [...this.templates.keys()].sort();
  }

  has(template: string): boolean {
    return this.templates.has(template);
  }

  /** `${BASE_URL}/path?key=value` */
  url(path: string, query: Record<string, unknown> = {}): string {
    if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
      throw new Error(`Mail link "${String(path)}" must be a path starting with a single "/"`);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
    }
    const qs = search.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  render(template: string, data: MailData = {}): RenderedMail {
    const compiled = this.templates.get(template);
    if (!compiled) throw new Error(`Unknown mail template "${template}" (known: ${this.names().join(', ')})`);
    const base = {
      ...data,
      antiPhishingPhrase: typeof data.antiPhishingPhrase === 'string' ? data.antiPhishingPhrase.trim() || null : null,
      baseUrl: this.baseUrl,
      homeUrl: this.url('/'),
      productName: this.productName,
    };
    const subject = compiled
      .subject(base, { data: { mailFormat: 'text' } })
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    if (!subject) throw new Error(`Mail template "${template}" rendered an empty subject`);
    const context = { ...base, subject };
    const part = (format: Format) => {
      const body = compiled[format](context, { data: { mailFormat: format } });
      return this.layouts[format]({ ...context, body }, { data: { mailFormat: format } });
    };
    const html = part('html');
    const text = tidyText(part('text'));
    this.checkLinks(template, html, text);
    return { subject, text, html };
  }

  private load(name: string): void {
    const textFile = `${name}.text.hbs`;
    const htmlFile = `${name}.html.hbs`;
    if (!existsSync(join(this.dir, htmlFile))) {
      throw new Error(`Mail template "${name}" has ${textFile} but no ${htmlFile} in ${this.dir}`);
    }
    const textSource = readFileSync(join(this.dir, textFile), 'utf8');
    const subject = SUBJECT.exec(textSource);
    if (!subject) throw new Error(`Mail template ${textFile} must start with {{!-- subject: … --}}`);
    this.templates.set(name, {
      subject: this.handlebars.compile(subject[1], { noEscape: true }),
      text: this.handlebars.compile(textSource.slice(subject[0].length), { noEscape: true }),
      html: this.compileFile(htmlFile, 'html'),
    });
  }

  private compileFile(file: string, format: Format): Template {
    const source = readFileSync(join(this.dir, file), 'utf8');
    return this.handlebars.compile(source, { noEscape: format === 'text' });
  }

  private urlHelper(path: unknown, options: HelperOptions): unknown {
    const url = this.url(path as string, options.hash);
    // In HTML the URL goes into an attribute: escape what an attribute needs (not
    // "=", which Handlebars would turn into &#x3D;) and mark it safe.
    return options.data?.mailFormat === 'html' ? new this.handlebars.SafeString(escapeAttribute(url)) : url;
  }

  // Every link a reader can follow must work from a mail client (absolute) and
  // be readable in the text part too: the text part carries every link in full.
  private checkLinks(template: string, html: string, text: string): void {
    for (const match of html.matchAll(LINK)) {
      const link = decodeEntities(match[1]);
      if (!ABSOLUTE.test(link)) {
        throw new Error(`Mail template "${template}": link "${link}" is not absolute; use {{url "/path"}}`);
      }
      if (/^https?:/i.test(link) && /^href/i.test(match[0]) && !text.includes(link)) {
        throw new Error(`Mail template "${template}": the text part lacks the link ${link}`);
      }
    }
  }
}
