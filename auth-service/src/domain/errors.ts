import { defineErrors } from '@micropay/platform';

export const authErrors = defineErrors({
  email_taken: { status: 409, description: 'An account with this email already exists.' },
  weak_password: {
    status: 400,
    description: 'The password does not meet the password policy (the message names the rule).',
  },
  invalid_credentials: { status: 401, description: 'The email or password is incorrect.' },
  login_locked: {
    status: 429,
    description: 'Too many failed logins for this email; retry after the Retry-After delay.',
  },
  invalid_refresh_token: {
    status: 401,
    description: 'The refresh token is unknown, expired, already used, or its session has ended.',
  },
  user_not_confirmed: {
    status: 403,
    description: 'The account is not confirmed yet: confirm it with the code that was sent.',
  },
  invalid_confirmation_code: {
    status: 400,
    description:
      'The confirmation code is wrong or has expired (also for an email with no pending sign-up, so the answer reveals nothing).',
  },
  already_confirmed: { status: 409, description: 'The account is already confirmed: log in.' },
  registration_closed: {
    status: 403,
    description: 'Self-service sign-up is turned off for this user pool; an administrator creates accounts.',
  },
  user_missing: { status: 404, description: 'No user with this id.' },
  invalid_client: { status: 401, description: 'Client authentication failed (unknown client or wrong secret).' },
  unsupported_grant_type: { status: 400, description: 'Only grant_type=client_credentials is supported here.' },
  invalid_scope: { status: 400, description: 'A requested scope is not allowed for this client.' },
});
