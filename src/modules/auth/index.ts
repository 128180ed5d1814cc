import { defineModule } from '../../platform/module-host/define-module';
import './auth.events';
import { AuthModule } from './auth.module';
import { LockoutExpiryJob } from './lockout/lockout-expiry.job';

export const authModule = defineModule({
  id: 'auth',
  module: AuthModule,
  tables: ['sessions', 'auth_tokens', 'recovery_codes', 'known_browsers', 'two_factor_secrets'],
  audit: {
    'auth.login.succeeded': 'Signed in',
    'auth.login.failed': 'Sign-in refused',
    'auth.logout': 'Signed out',
    'auth.lockout.started': 'Account locked after failed sign-ins',
    'auth.lockout.expired': 'Account lock ended',
    'auth.password.reset_requested': 'Password reset link requested',
    'auth.password.reset': 'Password reset with an emailed link',
    'auth.password.changed': 'Password changed',
    'auth.reauth.failed': 'Wrong password when asked to confirm it',
    'auth.2fa.enabled': 'Two-factor authentication turned on',
    'auth.2fa.disabled': 'Two-factor authentication turned off',
    'auth.2fa.recovery_code_used': 'Recovery code used to sign in',
    'auth.2fa.recovery_codes_regenerated': 'New recovery codes made',
    'auth.session.revoked': 'Another session signed out',
    'auth.sessions.revoked': 'Signed out everywhere else',
    'user.unlocked': 'Account unlocked',
    'user.2fa_reset': 'Two-factor authentication reset by support',
    'organization.two_factor_required': 'Two-factor sign-in required for the organization',
    'organization.two_factor_not_required': 'Two-factor sign-in no longer required for the organization',
  },
  events: {
    'auth.login.succeeded': 'Someone signed in.',
    'auth.login.failed': 'A sign-in attempt failed.',
    'auth.logout': 'Someone signed out.',
    'auth.lockout.started': 'An account was locked after failed sign-ins.',
    'auth.lockout.expired': 'An account lock ended.',
    'auth.password.reset': 'A password was reset with an emailed link.',
    'auth.2fa.enabled': 'Someone turned two-factor authentication on.',
    'auth.2fa.disabled': 'Someone turned two-factor authentication off.',
  },
  jobs: [LockoutExpiryJob],
});
