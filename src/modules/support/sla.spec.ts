import {
  addBusinessMinutes,
  businessMsBetween,
  dueLabel,
  parseSupportHolidays,
  parseSupportHours,
  pausedMs,
  slaDue,
  type SupportHours,
} from './sla';

const HOURS = parseSupportHours('Mon-Fri 09:00-17:00')!;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseSupportHours', () => {
  it('reads day ranges, lists and times', () => {
    expect(HOURS).toEqual({ days: [1, 2, 3, 4, 5], start: 540, end: 1020 });
    expect(parseSupportHours('Sun-Thu 08:30-16:00')).toEqual({ days: [0, 1, 2, 3, 4], start: 510, end: 960 });
    expect(parseSupportHours('Mon,Wed,Fri 10:00-12:00')).toEqual({ days: [1, 3, 5], start: 600, end: 720 });
    expect(parseSupportHours('Sat-Mon 00:00-24:00')!.days).toEqual([0, 1, 6]);
  });

  it('refuses what it cannot read', () => {
    for (const raw of [
      '',
      'Mon-Fri',
      'Mon-Fri 17:00-09:00',
      'Moon 09:00-17:00',
      'Mon-Fri 09:00-25:00',
      'Mon-Fri 9:75-17:00',
    ]) {
      expect(parseSupportHours(raw)).toBeNull();
    }
  });
});

describe('addBusinessMinutes', () => {
  it('counts within a business day', () => {
    // Tuesday 10:00 UTC + 1 h
    expect(iso(addBusinessMinutes(at('2026-12-08T10:00:00Z'), 60, HOURS, 'UTC'))).toBe('2026-12-08T11:00:00.000Z');
  });

  it('carries an evening over to the next morning', () => {
    // Tuesday 16:00 + 4 h: 1 h on Tuesday, 3 h on Wednesday
    expect(iso(addBusinessMinutes(at('2026-12-08T16:00:00Z'), 240, HOURS, 'UTC'))).toBe('2026-12-09T12:00:00.000Z');
    // opened at 20:00 on Tuesday: the clock starts on Wednesday at 09:00
    expect(iso(addBusinessMinutes(at('2026-12-08T20:00:00Z'), 60, HOURS, 'UTC'))).toBe('2026-12-09T10:00:00.000Z');
    // opened before opening time
    expect(iso(addBusinessMinutes(at('2026-12-08T06:30:00Z'), 30, HOURS, 'UTC'))).toBe('2026-12-08T09:30:00.000Z');
  });

  it('skips weekends', () => {
    // Friday 16:30 + 1 h: 30 min on Friday, 30 min on Monday
    expect(iso(addBusinessMinutes(at('2026-12-11T16:30:00Z'), 60, HOURS, 'UTC'))).toBe('2026-12-14T09:30:00.000Z');
    // opened on Saturday: Monday 09:00 + 8 h is Monday's close
    expect(iso(addBusinessMinutes(at('2026-12-12T12:00:00Z'), 480, HOURS, 'UTC'))).toBe('2026-12-14T17:00:00.000Z');
    // 5 business days from Wednesday 12:00 is the next Wednesday 12:00
    expect(iso(addBusinessMinutes(at('2026-12-09T12:00:00Z'), 5 * 480, HOURS, 'UTC'))).toBe('2026-12-16T12:00:00.000Z');
  });

  it('keeps the seconds of the start', () => {
    expect(iso(addBusinessMinutes(at('2026-12-08T10:00:30Z'), 1, HOURS, 'UTC'))).toBe('2026-12-08T10:01:30.000Z');
  });

  it('counts in the zone’s local hours, across daylight saving time changes', () => {
    // Berlin in winter is UTC+1: Friday 16:00 local (15:00 UTC) + 2 h = Monday 10:00 local (09:00 UTC)
    expect(iso(addBusinessMinutes(at('2026-12-11T15:00:00Z'), 120, HOURS, 'Europe/Berlin'))).toBe(
      '2026-12-14T09:00:00.000Z',
    );
    // DST starts on Sunday 29 March 2026: Friday 16:00 CET (15:00 UTC) + 2 h = Monday 10:00 CEST (08:00 UTC)
    expect(iso(addBusinessMinutes(at('2026-03-27T15:00:00Z'), 120, HOURS, 'Europe/Berlin'))).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    // DST ends on Sunday 1 November 2026 in New York: Friday 16:00 EDT (20:00 UTC) + 2 h = Monday 10:00 EST (15:00 UTC)
    expect(iso(addBusinessMinutes(at('2026-10-30T20:00:00Z'), 120, HOURS, 'America/New_York'))).toBe(
      '2026-11-02T15:00:00.000Z',
    );
  });

  it('handles a round-the-clock helpdesk', () => {
    const always: SupportHours = parseSupportHours('Sun-Sat 00:00-24:00')!;
    expect(iso(addBusinessMinutes(at('2026-12-12T23:30:00Z'), 60, always, 'UTC'))).toBe('2026-12-13T00:30:00.000Z');
  });
});

describe('slaDue', () => {
  const base = { createdAt: at('2026-12-08T10:00:00Z'), status: 'new', firstResponseAt: null };

  it('gives P1 one hour to respond and four to resolve', () => {
    const due = slaDue({ ...base, priority: 1 }, HOURS, 'UTC');
    expect(iso(due.responseDue!)).toBe('2026-12-08T11:00:00.000Z');
    expect(iso(due.resolutionDue!)).toBe('2026-12-08T14:00:00.000Z');
    expect(due.next).toEqual({ kind: 'response', at: due.responseDue });
  });

  it('counts business days for P2 to P4', () => {
    expect(iso(slaDue({ ...base, priority: 2 }, HOURS, 'UTC').resolutionDue!)).toBe('2026-12-09T10:00:00.000Z');
    expect(iso(slaDue({ ...base, priority: 3 }, HOURS, 'UTC').responseDue!)).toBe('2026-12-09T10:00:00.000Z');
    expect(iso(slaDue({ ...base, priority: 3 }, HOURS, 'UTC').resolutionDue!)).toBe('2026-12-11T10:00:00.000Z');
    expect(iso(slaDue({ ...base, priority: 4 }, HOURS, 'UTC').responseDue!)).toBe('2026-12-10T10:00:00.000Z');
    expect(iso(slaDue({ ...base, priority: 4 }, HOURS, 'UTC').resolutionDue!)).toBe('2026-12-15T10:00:00.000Z');
  });

  it('stops the response clock at the first reply and both when solved', () => {
    const replied = slaDue({ ...base, priority: 1, firstResponseAt: base.createdAt + 1000 }, HOURS, 'UTC');
    expect(replied.responseDue).toBeNull();
    expect(replied.next?.kind).toBe('resolution');
    expect(slaDue({ ...base, priority: 1, status: 'solved' }, HOURS, 'UTC').next).toBeNull();
  });
});

describe('holidays (SUPPORT_HOLIDAYS)', () => {
  it('reads a comma list of real dates, sorted and once each; refuses anything else', () => {
    expect(parseSupportHolidays('')).toEqual([]);
    expect(parseSupportHolidays('2027-01-01, 2026-12-25,2026-12-25')).toEqual(['2026-12-25', '2027-01-01']);
    for (const raw of ['25.12.2026', '2026-12-25,', '2026-02-30', '2026-13-01', 'christmas', '2026-12-25;2027-01-01']) {
      expect(parseSupportHolidays(raw)).toBeNull();
    }
  });

  it('counts holidays as closed: a due date spanning Christmas moves past it', () => {
    // P3 opened Wednesday 23 December 2026 at 10:00: three business days to resolve.
    const ticket = { createdAt: at('2026-12-23T10:00:00Z'), status: 'open', firstResponseAt: null, priority: 3 };
    expect(iso(slaDue(ticket, HOURS, 'UTC').resolutionDue!)).toBe('2026-12-28T10:00:00.000Z');
    // Friday the 25th closed: Thursday, Monday, Tuesday.
    const christmas = { ...HOURS, holidays: parseSupportHolidays('2026-12-25')! };
    expect(iso(slaDue(ticket, christmas, 'UTC').resolutionDue!)).toBe('2026-12-29T10:00:00.000Z');
    const both = { ...HOURS, holidays: parseSupportHolidays('2026-12-24,2026-12-25,2027-01-01')! };
    expect(iso(slaDue(ticket, both, 'UTC').resolutionDue!)).toBe('2026-12-30T10:00:00.000Z');
    // Holidays are local dates in the support time zone: Thursday 16:00 in Berlin + 2 h is Monday 10:00 there.
    const berlin = { ...HOURS, holidays: ['2026-12-25'] };
    expect(iso(addBusinessMinutes(at('2026-12-24T15:00:00Z'), 120, berlin, 'Europe/Berlin'))).toBe(
      '2026-12-28T09:00:00.000Z',
    );
  });
});

describe('businessMsBetween', () => {
  const H = 3_600_000;
  it('counts only opening hours on business days', () => {
    expect(businessMsBetween(at('2026-12-08T10:00:00Z'), at('2026-12-08T12:30:00Z'), HOURS, 'UTC')).toBe(2.5 * H);
    // Tuesday 16:00 to Wednesday 10:00: 1 h + 1 h.
    expect(businessMsBetween(at('2026-12-08T16:00:00Z'), at('2026-12-09T10:00:00Z'), HOURS, 'UTC')).toBe(2 * H);
    // Friday 16:00 to Monday 09:00: the weekend counts nothing.
    expect(businessMsBetween(at('2026-12-11T16:00:00Z'), at('2026-12-14T09:00:00Z'), HOURS, 'UTC')).toBe(H);
    expect(businessMsBetween(at('2026-12-12T10:00:00Z'), at('2026-12-13T10:00:00Z'), HOURS, 'UTC')).toBe(0);
    expect(businessMsBetween(at('2026-12-09T10:00:00Z'), at('2026-12-08T10:00:00Z'), HOURS, 'UTC')).toBe(0);
    const christmas = { ...HOURS, holidays: ['2026-12-25'] };
    expect(businessMsBetween(at('2026-12-24T09:00:00Z'), at('2026-12-28T09:00:00Z'), christmas, 'UTC')).toBe(8 * H);
  });

  it('counts a long pause by whole days: four weeks are twenty business days', () => {
    expect(businessMsBetween(at('2026-11-02T09:00:00Z'), at('2026-11-30T09:00:00Z'), HOURS, 'Europe/Berlin')).toBe(
      20 * 8 * H,
    );
  });

  it('is the inverse of addBusinessMinutes', () => {
    const from = at('2026-12-08T15:20:00Z');
    const to = addBusinessMinutes(from, 1000, HOURS, 'Europe/Berlin');
    expect(businessMsBetween(from, to, HOURS, 'Europe/Berlin')).toBe(1000 * 60_000);
  });
});

describe('the SLA clock paused while pending', () => {
  const H = 3_600_000;
  // P2 opened Tuesday 10:00, answered at 11:00: resolution due Wednesday 10:00.
  const ticket = { createdAt: at('2026-12-08T10:00:00Z'), firstResponseAt: at('2026-12-08T11:00:00Z'), priority: 2 };

  it('moves the resolution due time later by the business time spent pending', () => {
    const open = slaDue({ ...ticket, status: 'open' }, HOURS, 'UTC');
    expect(iso(open.resolutionDue!)).toBe('2026-12-09T10:00:00.000Z');
    expect(open.paused).toBe(false);
    // Pending since 12:00, now 16:00: paused, and the due time has moved 4 business hours.
    const pending = { ...ticket, status: 'pending', slaPausedAt: at('2026-12-08T12:00:00Z'), slaPausedSeconds: 0 };
    const now = at('2026-12-08T16:00:00Z');
    expect(pausedMs(pending, now, HOURS, 'UTC')).toBe(4 * H);
    const paused = slaDue(pending, HOURS, 'UTC', now);
    expect(paused.paused).toBe(true);
    expect(iso(paused.resolutionDue!)).toBe('2026-12-09T14:00:00.000Z');
    // A night pending counts nothing more.
    expect(iso(slaDue(pending, HOURS, 'UTC', at('2026-12-09T08:00:00Z')).resolutionDue!)).toBe(
      '2026-12-09T15:00:00.000Z',
    );
    // Open again after 5 business hours pending: kept in slaPausedSeconds.
    const resumed = { ...ticket, status: 'open', slaPausedAt: null, slaPausedSeconds: 5 * 3600 };
    const due = slaDue(resumed, HOURS, 'UTC', at('2026-12-09T12:00:00Z'));
    expect(due.paused).toBe(false);
    expect(iso(due.resolutionDue!)).toBe('2026-12-09T15:00:00.000Z');
  });

  it('moves a first response still owed as well', () => {
    const owed = { ...ticket, firstResponseAt: null, status: 'pending', slaPausedAt: ticket.createdAt };
    expect(iso(slaDue(owed, HOURS, 'UTC', at('2026-12-08T12:00:00Z')).responseDue!)).toBe('2026-12-08T16:00:00.000Z');
  });
});

describe('dueLabel', () => {
  const now = at('2026-12-08T10:00:00Z');
  it('says how long is left or how long overdue', () => {
    expect(dueLabel(now + 2 * 3_600_000, now)).toEqual({ text: 'in 2 h', overdue: false });
    expect(dueLabel(now + 20 * 60_000, now)).toEqual({ text: 'in 20 min', overdue: false });
    expect(dueLabel(now - 3 * 3_600_000, now)).toEqual({ text: 'overdue 3 h', overdue: true });
    expect(dueLabel(now - 3 * 86_400_000, now)).toEqual({ text: 'overdue 3 d', overdue: true });
  });
});
