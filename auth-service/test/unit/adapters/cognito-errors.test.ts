import { expect } from 'chai';
import { mapCognitoError } from '../../../src/adapters/cognito-identity-provider';

/**
 * The exceptions AWS Cognito documents, with AWS's own messages, for the cases the emulator
 * answers differently (it says NotAuthorized for an unknown user at confirm, for example).
 */
describe('mapCognitoError', () => {
  const cognito = (name: string, message = '') => Object.assign(new Error(message), { name });
  const mapped = (name: string, operation: Parameters<typeof mapCognitoError>[1], message?: string) => {
    const error = mapCognitoError(cognito(name, message), operation);
    return [error.status, error.code];
  };

  it('maps every exception the API names', () => {
    expect(mapped('UsernameExistsException', 'register')).to.deep.equal([409, 'email_taken']);
    expect(mapped('InvalidPasswordException', 'register')).to.deep.equal([400, 'weak_password']);
    expect(mapped('UserNotConfirmedException', 'login')).to.deep.equal([403, 'user_not_confirmed']);
    expect(mapped('NotAuthorizedException', 'login', 'Incorrect username or password.')).to.deep.equal([
      401,
      'invalid_credentials',
    ]);
    expect(mapped('UserNotFoundException', 'login')).to.deep.equal([401, 'invalid_credentials']);
    expect(mapped('NotAuthorizedException', 'refresh', 'Refresh Token has been revoked')).to.deep.equal([
      401,
      'invalid_refresh_token',
    ]);
    expect(mapped('TooManyRequestsException', 'login')).to.deep.equal([429, 'rate_limited']);
    expect(mapped('CodeMismatchException', 'confirm')).to.deep.equal([400, 'invalid_confirmation_code']);
    expect(mapped('ExpiredCodeException', 'confirm')).to.deep.equal([400, 'invalid_confirmation_code']);
  });

  it('at confirm: an already confirmed account is 409, an unknown email looks like a wrong code, a bad secret hash is our fault', () => {
    expect(
      mapped('NotAuthorizedException', 'confirm', 'User cannot be confirmed. Current status is CONFIRMED'),
    ).to.deep.equal([409, 'already_confirmed']);
    expect(mapped('UserNotFoundException', 'confirm', 'Username/client id combination not found.')).to.deep.equal([
      400,
      'invalid_confirmation_code',
    ]);
    expect(mapped('NotAuthorizedException', 'confirm', 'Unable to verify secret hash for client abc')).to.deep.equal([
      503,
      'upstream_unavailable',
    ]);
  });

  it('at register: a pool without self-service sign-up is 403 registration_closed', () => {
    expect(mapped('NotAuthorizedException', 'register', 'SignUp is not permitted for this user pool')).to.deep.equal([
      403,
      'registration_closed',
    ]);
  });

  it('answers 503 for anything it does not know, never a 500', () => {
    expect(mapped('InternalErrorException', 'login')).to.deep.equal([503, 'upstream_unavailable']);
    expect(mapCognitoError(new TypeError('fetch failed'), 'admin').code).to.equal('upstream_unavailable');
  });
});
