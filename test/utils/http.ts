import type { Response } from 'superagent';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { csrfFrom } from './html';

export { csrfFrom };

/**
 * A browser-like client: keeps cookies, and posts forms the way a person
 * does, with the `_csrf` of the page the form is on.
 */
export class Client {
  readonly agent: TestAgent;

  constructor(server: Parameters<typeof request.agent>[0]) {
    this.agent = request.agent(server);
  }

  get(path: string) {
    return this.agent.get(path).redirects(0);
  }

  /** GETs `page` for its token, then POSTs `fields` to `path` (default: the page itself). */
  async submit(page: string, fields: Record<string, string>, path = page.split('?')[0]) {
    const form = await this.agent.get(page);
    return this.agent
      .post(path)
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(form.text) })
      .redirects(0);
  }

  /** POSTs without a token, as a forged cross-site form would. */
  postWithoutCsrf(path: string, fields: Record<string, string> = {}) {
    return this.agent.post(path).type('form').send(fields).redirects(0);
  }

  signIn(email: string, password: string) {
    return this.submit('/login', { email, password });
  }

  /** Signs out with the token of a signed-in page. */
  signOut() {
    return this.submit('/dashboard', {}, '/logout');
  }
}

/** A supertest parser keeping the body as bytes (PDFs, installers): `.buffer(true).parse(asBytes)`. */
export function asBytes(res: Response, done: (err: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
