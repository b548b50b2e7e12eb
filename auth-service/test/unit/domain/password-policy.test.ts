import { expect } from 'chai';
import { AppError } from '@micropay/platform';
import { commonPasswords } from '../../../src/adapters/common-passwords';
import { PasswordPolicy } from '../../../src/domain/password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy(commonPasswords());
  const rejection = (password: string, email = 'ana@example.com') => {
    try {
      policy.assertAllowed(password, email);
    } catch (error) {
      expect(error).to.be.instanceOf(AppError);
      expect(error).to.include({ code: 'weak_password', status: 400, param: 'password' });
      return (error as AppError).message;
    }
    return undefined;
  };

  it('accepts a long passphrase', () => {
    expect(rejection('correct horse battery')).to.equal(undefined);
  });

  it('refuses fewer than 8 characters, counting characters rather than bytes', () => {
    expect(rejection('short12')).to.contain('at least 8 characters');
    expect(rejection('ééééééé')).to.contain('at least 8 characters');
    expect(rejection('éééééééé')).to.equal(undefined);
  });

  it('refuses more than 128 characters', () => {
    expect(rejection('x'.repeat(128) + 'y')).to.contain('at most 128 characters');
    expect(rejection('xy'.repeat(64))).to.equal(undefined);
  });

  it('refuses the email address or its local part, whatever the case', () => {
    expect(rejection('Ana.Souza@Example.com', 'ana.souza@example.com')).to.contain('email');
    expect(rejection('ANA.SOUZA', 'ana.souza@example.com')).to.contain('email');
  });

  it('refuses common passwords from the breach list, whatever the case', () => {
    for (const password of ['password1', 'PASSWORD1', 'iloveyou', 'qwertyuiop', '12345678']) {
      expect(rejection(password), password).to.contain('commonly used passwords');
    }
  });

  it('ships a list of tens of thousands of common passwords', () => {
    expect(commonPasswords().length).to.be.greaterThan(40_000);
  });
});
