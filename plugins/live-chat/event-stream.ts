import type { Request, Response } from 'express';

/** An open `text/event-stream` answer: events, keep-alive comments, and one cleanup when either side closes. */
export class EventStream {
  private closed = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly res: Response) {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // Proxies (nginx) pass each event on at once instead of buffering the answer.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    // Reconnect after 3 s when the connection drops; the browser sends Last-Event-ID.
    res.write('retry: 3000\n\n');
    // The answer's close (the browser left, the connection dropped), not the request's: a GET's request
    // side may close as soon as it has been read.
    res.on('close', () => this.close());
  }

  /** Runs `fn` once, when the stream closes. */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  /** One event; `data` is JSON on one line (a message's newlines stay escaped inside it). */
  send(event: string, data: unknown, id?: number): void {
    if (this.closed) return;
    this.res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  /** Every `seconds`, until the stream closes. */
  every(seconds: number, fn: () => void): void {
    const timer = setInterval(fn, seconds * 1000);
    timer.unref();
    this.onClose(() => clearInterval(timer));
  }

  /** Ends the stream after `seconds` (the browser reconnects through the session check). */
  closeAfter(seconds: number): void {
    const timer = setTimeout(() => this.close(), seconds * 1000);
    timer.unref();
    this.onClose(() => clearTimeout(timer));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.cleanups.splice(0)) fn();
    if (!this.res.writableEnded) this.res.end();
  }
}

/** The last event the browser saw: `Last-Event-ID` on a reconnect (a whole number), else 0. */
export function lastEventId(req: Request): number {
  const raw = req.get('last-event-id') ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}
