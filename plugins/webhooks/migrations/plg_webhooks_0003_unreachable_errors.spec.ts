import Database from 'better-sqlite3';
import { UNIFY_UNREACHABLE_SQL } from './plg_webhooks_0003_unreachable_errors';

describe('plg_webhooks_0003_unreachable_errors', () => {
  it('rewrites every failure without an answer to one sentence, and nothing else', () => {
    const db = new Database(':memory:');
    db.exec('create table plg_webhooks_deliveries (seq integer primary key, response_status integer, last_error text)');
    const before: [number | null, string | null, string][] = [
      [null, 'Connection refused.', 'Could not reach the endpoint.'],
      [null, 'No answer within 5000 ms.', 'Could not reach the endpoint.'],
      [null, 'The host name could not be resolved.', 'Could not reach the endpoint.'],
      [null, 'The connection was closed before an answer.', 'Could not reach the endpoint.'],
      [null, 'The host cannot be reached.', 'Could not reach the endpoint.'],
      [null, 'self-signed certificate', 'Could not reach the endpoint.'],
      [null, 'The address 127.0.0.1 is not allowed (loopback).', 'The address 127.0.0.1 is not allowed (loopback).'],
      [null, 'The endpoint is disabled.', 'The endpoint is disabled.'],
      [null, 'The endpoint no longer exists.', 'The endpoint no longer exists.'],
      [null, 'SeatDesk stopped during the attempt.', 'SeatDesk stopped during the attempt.'],
      [500, 'The endpoint answered 500.', 'The endpoint answered 500.'],
    ];
    const insert = db.prepare('insert into plg_webhooks_deliveries (response_status, last_error) values (?, ?)');
    for (const [status, error] of before) insert.run(status, error);
    insert.run(null, null);
    db.exec(UNIFY_UNREACHABLE_SQL);
    const after = db.prepare('select last_error as e from plg_webhooks_deliveries order by seq').all() as {
      e: string | null;
    }[];
    expect(after.map((row) => row.e)).toEqual([...before.map(([, , expected]) => expected), null]);
    db.close();
  });
});
