import { createHash, randomUUID } from 'node:crypto';
import { openSqlite } from '../src/cli/sqlite-file';

// Synthetic but realistic audit entries for the audit benchmark, written
// straight into the SQLite file with one prepared INSERT in transactions of
// 50,000 rows, the table's indexes dropped during the load and rebuilt after
// it (half a minute for a million here, where AuditService.record() would
// take many minutes). The hashes form a chain of plain SHA-256 values, NOT the
// app's HMAC: audit:verify fails on this data; the benchmark only reads pages.

export interface AuditDataSpec {
  /** How many entries. */
  count: number;
  /** Organization ids the entries belong to (real rows, so the list shows names). */
  organizationIds: string[];
  /** The newest entry's time; the entries cover the year before it. */
  end: number;
  actors?: number;
}

export interface AuditDataSummary {
  count: number;
  /** The account under a password-spraying attack: 1% of all entries are its failed sign-ins. */
  attackedActor: string;
  firstId: number;
  lastId: number;
}

// About thirty actions, with weights and outcomes close to a real console's.
const ACTIONS: [action: string, weight: number, outcome: 'success' | 'failure' | 'denied', target: string][] = [
  ['auth.login.succeeded', 300, 'success', 'person'],
  ['auth.login.failed', 60, 'failure', 'person'],
  ['auth.logout', 150, 'success', 'person'],
  ['auth.lockout.started', 5, 'denied', 'person'],
  ['auth.lockout.expired', 5, 'success', 'person'],
  ['auth.password.reset_requested', 8, 'success', 'person'],
  ['auth.password.reset', 6, 'success', 'person'],
  ['auth.password.changed', 6, 'success', 'person'],
  ['auth.2fa.enabled', 4, 'success', 'person'],
  ['auth.2fa.disabled', 2, 'success', 'person'],
  ['auth.2fa.recovery_code_used', 1, 'success', 'person'],
  ['user.created', 10, 'success', 'person'],
  ['user.unlocked', 3, 'success', 'person'],
  ['user.2fa_reset', 1, 'success', 'person'],
  ['user.disabled', 2, 'success', 'person'],
  ['user.role_changed', 2, 'success', 'person'],
  ['organization.created', 1, 'success', 'organization'],
  ['organization.renamed', 1, 'success', 'organization'],
  ['license.created', 8, 'success', 'license'],
  ['license.renewed', 12, 'success', 'license'],
  ['license.expired', 4, 'success', 'license'],
  ['device.activated', 120, 'success', 'device'],
  ['device.removed', 30, 'success', 'device'],
  ['device.activation_refused', 10, 'denied', 'device'],
  ['invoice.issued', 10, 'success', 'invoice'],
  ['invoice.paid', 9, 'success', 'invoice'],
  ['ticket.created', 20, 'success', 'ticket'],
  ['ticket.closed', 18, 'success', 'ticket'],
  ['mail.delivery_failed', 3, 'failure', 'mail'],
  ['audit.retention_applied', 1, 'success', 'audit_log'],
];

const FIRST = ['ana', 'ben', 'chloe', 'dev', 'elena', 'farid', 'grace', 'hugo', 'ines', 'jonas', 'kim', 'liam'];
const LAST = ['alder', 'brook', 'castillo', 'dubois', 'eriksen', 'fischer', 'garcia', 'huang', 'ivanova', 'jensen'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'SeatDeskAgent/4.2.1 (windows)',
  'SeatDeskAgent/4.2.0 (android)',
];

/** A deterministic pseudo-random source, so two runs build the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const YEAR = 365 * 86_400_000;
const BATCH = 50_000;

export function generateAuditEntries(databasePath: string, spec: AuditDataSpec): AuditDataSummary {
  const random = rng(42);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const totalWeight = ACTIONS.reduce((sum, a) => sum + a[1], 0);
  const pickAction = () => {
    let r = random() * totalWeight;
    for (const a of ACTIONS) if ((r -= a[1]) < 0) return a;
    return ACTIONS[0];
  };

  // 1,000 actors: people spread over the organizations, a few system actors.
  const actorCount = spec.actors ?? 1000;
  const system = ['cli', 'job:audit.retention', 'job:mail.deliver', 'job:license.expire'];
  const people = Array.from({ length: actorCount - system.length }, (_, n) => ({
    type: 'person',
    id: randomUUID(),
    label: `${FIRST[n % FIRST.length]}.${LAST[Math.floor(n / FIRST.length) % LAST.length]}${n}@example.test`,
    organizationId: spec.organizationIds[n % spec.organizationIds.length],
  }));
  const actors = [...people, ...system.map((label) => ({ type: 'system', id: null, label, organizationId: null }))];
  const targets = {
    license: Array.from({ length: 2000 }, () => randomUUID()),
    device: Array.from({ length: 20000 }, () => randomUUID()),
    invoice: Array.from({ length: 5000 }, () => randomUUID()),
    ticket: Array.from({ length: 5000 }, () => randomUUID()),
  };

  const db = openSqlite(databasePath, { fileMustExist: true });
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const insert = db.prepare(
      `insert into audit_entries (at, actor_type, actor_id, actor_label, action, target_type, target_id, target_label,
         organization_id, ip, user_agent, outcome, details, prev_hash, hash)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const begin = db.prepare('begin');
    const commit = db.prepare('commit');
    const lastRow = () =>
      db.prepare('select id, hash from audit_entries order by id desc limit 1').get() as
        { id: number; hash: string } | undefined;
    const before = lastRow();
    // Indexes are built once after the load (a sort) rather than row by row.
    const indexes = db
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and tbl_name = 'audit_entries' and sql is not null`,
      )
      .all() as { name: string; sql: string }[];
    for (const index of indexes) db.prepare(`drop index \`${index.name}\``).run();
    let prevHash = before?.hash ?? '';
    const start = spec.end - YEAR;
    const step = YEAR / spec.count;

    for (let done = 0; done < spec.count;) {
      const size = Math.min(BATCH, spec.count - done);
      begin.run();
      for (let i = 0; i < size; i++, done++) {
        // One account is under attack all year; everyone else acts normally.
        const attacked = random() < 0.01;
        const [action, , outcome, targetType] = attacked ? ACTIONS[1] : pickAction();
        // System actors do system things; people act within their organization.
        const actor = attacked
          ? people[0]
          : action.startsWith('audit.') || action.startsWith('mail.')
            ? pick(actors.slice(-4))
            : pick(people);
        let targetId: string | null;
        let targetLabel: string | null;
        if (targetType === 'person') {
          const person = random() < 0.8 ? actor : pick(people);
          targetId = person.id;
          targetLabel = person.label;
        } else if (targetType === 'organization') {
          targetId = actor.organizationId;
          targetLabel = `Org ${targetId?.slice(0, 8)}`;
        } else if (targetType in targets) {
          targetId = pick(targets[targetType as keyof typeof targets]);
          targetLabel = `${targetType} ${targetId.slice(0, 8)}`;
        } else {
          targetId = null;
          targetLabel = targetType === 'mail' ? actor.label : 'audit log';
        }
        const details =
          action === 'auth.login.failed'
            ? JSON.stringify({ reason: pick(['wrong_password', 'wrong_password', 'unknown_account', 'disabled']) })
            : action.startsWith('license.')
              ? JSON.stringify({ seats: 1 + Math.floor(random() * 50) })
              : null;
        // Monotonic with the id, as the live log is.
        const at = Math.floor(start + (done + random() * 0.9) * step);
        const ip =
          actor.type === 'system'
            ? null
            : `10.${(random() * 255) | 0}.${(random() * 255) | 0}.${(random() * 254 + 1) | 0}`;
        const userAgent = actor.type === 'system' ? null : pick(AGENTS);
        const hash = createHash('sha256').update(prevHash).update(String(at)).update(action).digest('hex');
        insert.run(
          at,
          actor.type,
          actor.id,
          actor.label,
          action,
          targetType,
          targetId,
          targetLabel,
          actor.organizationId,
          ip,
          userAgent,
          outcome,
          details,
          prevHash,
          hash,
        );
        prevHash = hash;
      }
      commit.run();
    }
    for (const index of indexes) db.prepare(index.sql).run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const after = lastRow();
    return {
      count: spec.count,
      attackedActor: people[0].label,
      firstId: (before?.id ?? 0) + 1,
      lastId: after?.id ?? 0,
    };
  } finally {
    db.close();
  }
}
