import { expect } from 'chai';
import { formatMoney } from '../../../src/domain/money-format';
import { draftsFor } from '../../../src/domain/notification-rules';

const event = (type: string, data: Record<string, unknown>) => ({
  id: 'evt_1',
  type,
  source: 'payment-service',
  time: new Date().toISOString(),
  data,
});

describe('formatMoney', () => {
  it("reads minor units with each currency's own exponent", () => {
    expect(formatMoney(1050, 'usd')).to.equal('$10.50');
    expect(formatMoney(1050, 'jpy')).to.equal('¥1,050');
    expect(formatMoney(1050, 'kwd').replace(/\s/g, ' ')).to.equal('KWD 1.050'); // Intl uses a no-break space
    expect(formatMoney(123456, 'brl')).to.equal('R$1,234.56');
  });
});

describe('draftsFor', () => {
  it('notifies the customer of a succeeded payment with the amount', () => {
    const [draft] = draftsFor(
      event('payment.succeeded', {
        id: 'pay_1',
        customer: 'usr_1',
        amount: 1050,
        currency: 'usd',
        status: 'succeeded',
      }),
    );
    expect(draft).to.deep.equal({
      userId: 'usr_1',
      title: 'Payment succeeded',
      body: 'Your payment of $10.50 was received and added to your wallet.',
      data: { payment: 'pay_1' },
    });
  });

  it('notifies the customer of a failed payment with the reason', () => {
    const [draft] = draftsFor(
      event('payment.failed', {
        id: 'pay_2',
        customer: 'usr_1',
        amount: 500,
        currency: 'brl',
        failure_message: 'Your card was declined.',
      }),
    );
    expect(draft?.title).to.equal('Payment failed');
    expect(draft?.body).to.equal('Your payment of R$5.00 did not go through: Your card was declined.');
  });

  it('ignores events it has nothing to say about', () => {
    expect(draftsFor(event('ledger.transfer_posted', { id: 'tr_1' }))).to.deep.equal([]);
  });

  it('refuses a payment event without a customer', () => {
    expect(() => draftsFor(event('payment.succeeded', { id: 'pay_1', amount: 1, currency: 'usd' }))).to.throw();
  });
});
