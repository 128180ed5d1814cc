import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { parseMail, type ParsedMail } from './mail';

/**
 * How the peer answers:
 * - `ok`: accepts every message;
 * - `4xx`: refuses MAIL FROM with 451 (temporary: "try again later");
 * - `5xx`: refuses every recipient with 550 (permanent);
 * - `hang`: accepts the connection and never answers (no greeting; on an
 *   already open connection, no reply to MAIL FROM), so the client must time out.
 */
export type SmtpPeerMode = 'ok' | '4xx' | '5xx' | 'hang';

export interface ReceivedMail extends ParsedMail {
  envelope: { from: string; to: string[] };
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port for tests: records what
 * it receives, and can refuse, hang, go down and come back on the same port.
 * Point the app at it with `SMTP_URL: peer.url`; stop it in afterAll.
 */
export class SmtpPeer {
  /** Every message accepted, in order. */
  readonly messages: ReceivedMail[] = [];
  /** Connections opened and MAIL FROM commands seen, whatever the mode answered. */
  connections = 0;
  transactions = 0;
  /** Connections or commands left without an answer in `hang` mode. */
  hung = 0;
  private server: SMTPServer | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(
    public port: number,
    public mode: SmtpPeerMode,
  ) {}

  /** Starts listening on 127.0.0.1 (port 0: a free one). */
  static async start(options: { mode?: SmtpPeerMode; port?: number } = {}): Promise<SmtpPeer> {
    const peer = new SmtpPeer(options.port ?? 0, options.mode ?? 'ok');
    await peer.up();
    return peer;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  setMode(mode: SmtpPeerMode): void {
    this.mode = mode;
  }

  /** Messages whose envelope recipient is `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelope.to.includes(address.toLowerCase()));
  }

  /** Resolves with the matching messages once there are `count` of them; rejects after `timeoutMs`. */
  async waitForMessages(
    count: number,
    { timeoutMs = 10_000, match = () => true }: { timeoutMs?: number; match?: (m: ReceivedMail) => boolean } = {},
  ): Promise<ReceivedMail[]> {
    const found = () => this.messages.filter(match);
    if (found().length >= count) return found();
    // Woken by every message that arrives; the timer only turns a hang into a clear failure.
    return new Promise<ReceivedMail[]>((resolve, reject) => {
      const waiter = () => {
        if (found().length < count) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(found());
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`SMTP peer: expected ${count} message(s), got ${found().length}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Forgets the messages and counters. */
  clear(): void {
    this.messages.length = 0;
    this.connections = this.transactions = this.hung = 0;
  }

  /** Stops listening and drops open connections: the port refuses connections until up(). */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again, on the same port as before. */
  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer(this.options());
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  stop(): Promise<void> {
    return this.down();
  }

  private options(): SMTPServerOptions {
    return {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      // Closing waits this long for open (pooled or hung) connections, then drops them.
      closeTimeout: 100,
      onConnect: (_session, callback) => {
        this.connections += 1;
        if (this.mode === 'hang') {
          this.hung += 1;
          return; // never greets
        }
        callback();
      },
      onMailFrom: (_address, _session, callback) => {
        this.transactions += 1;
        if (this.mode === 'hang') {
          this.hung += 1;
          return; // never answers
        }
        if (this.mode === '4xx') return callback(smtpError(451, 'Temporary failure, try again later (test peer)'));
        callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === '5xx') return callback(smtpError(550, 'Mailbox unavailable (test peer)'));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mailFrom = session.envelope.mailFrom;
          const envelope = {
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          };
          // Recorded before the 250 reply: once the sender's delivery resolves, the message is here.
          parseMail(raw).then(
            (parsed) => {
              this.messages.push({ ...parsed, envelope, raw });
              for (const wake of [...this.waiters]) wake();
              callback();
            },
            (err: Error) => callback(err),
          );
        });
      },
    };
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}
