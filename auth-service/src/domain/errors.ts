import { defineErrors } from '@micropay/platform';

export const authErrors = defineErrors({
  email_taken: { status: 409, description: 'An account with this email already exists.' },
  weak_password: { status: 400, description: 'The password does not meet the password policy.' },
  invalid_credentials: { status: 401, description: 'The email or password is incorrect.' },
  invalid_client: { status: 401, description: 'Client authentication failed (unknown client or wrong secret).' },
  unsupported_grant_type: { status: 400, description: 'Only grant_type=client_credentials is supported here.' },
  invalid_scope: { status: 400, description: 'A requested scope is not allowed for this client.' },
});
