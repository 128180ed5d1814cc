import type { ActivityRow } from '../../platform/audit/audit.repository';
import { strengthView } from '../people/password-strength';
import { MODULE_CATALOG } from '../../platform/module-host/module-catalog';
import { authModule } from '../auth';
import { activityRowView } from './account.view';

// The labels come from the module that records the action.
MODULE_CATALOG.register([authModule]);

const row = (over: Partial<ActivityRow>): ActivityRow => ({
  id: 1,
  at: Date.parse('2026-11-26T10:00:00Z'),
  actorType: 'person',
  actorId: 'me',
  action: 'user.updated',
  ip: '203.0.113.9',
  userAgent: null,
  outcome: 'success',
  details: null,
  ...over,
});

describe('activityRowView', () => {
  it('describes sign-ins in words, with the browser, highlighting a new one, and without "by"', () => {
    const view = activityRowView(
      row({
        action: 'auth.login.succeeded',
        details: '{"method":"totp","newBrowser":true}',
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0',
      }),
      'me',
    );
    expect(view).toMatchObject({
      description: 'Signed in with a two-factor code',
      browser: 'Firefox on macOS',
      newBrowser: true,
      by: null,
      badge: { label: 'Success', color: 'green' },
    });
  });

  it('says why a sign-in was refused, without internal codes', () => {
    const view = activityRowView(
      row({ action: 'auth.login.failed', outcome: 'failure', details: '{"reason":"locked"}' }),
      'me',
    );
    expect(view.description).toBe('Sign-in refused: the account was locked');
    expect(view.badge.label).toBe('Failed');
  });

  it('names who acted without naming staff, and words unknown actions', () => {
    expect(activityRowView(row({}), 'me').by).toBe('You');
    expect(activityRowView(row({ actorId: 'helpdesk-person', userAgent: 'curl/8' }), 'me')).toMatchObject({
      by: 'An administrator',
      ip: null,
      browser: null,
    });
    expect(activityRowView(row({ actorType: 'system', actorId: null }), 'me').by).toBe('SeatDesk');
    expect(activityRowView(row({ action: 'license.renewed' }), 'me').description).toBe('License renewed');
    expect(activityRowView(row({ details: 'not json' }), 'me').newBrowser).toBe(false);
  });
});

describe('strengthView', () => {
  it('never shows a refused password as good', () => {
    expect(strengthView(4, true)).toEqual({ score: 2, label: 'Fair: not strong enough' });
    expect(strengthView(0, true).label).toBe('Very weak: not strong enough');
    expect(strengthView(4, false)).toEqual({ score: 4, label: 'Strong' });
  });
});
