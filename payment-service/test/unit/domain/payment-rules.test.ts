import { expect } from 'chai';
import { boletoDueDate } from '../../../src/domain/methods';
import { PaymentSteps } from '../../../src/domain/payment-steps';
import { canMove, nextAttemptDelayMs, sourcesOf, TERMINAL, TRANSITIONS } from '../../../src/domain/payment';
import { checkRefund } from '../../../src/domain/refund';

describe('payment state machine', () => {
  it('never leaves a terminal status, and never returns to requires_action', () => {
    for (const status of TERMINAL) expect(TRANSITIONS[status]).to.deep.equal([]);
    expect(sourcesOf('requires_action')).to.deep.equal([]);
    expect(canMove('succeeded', 'processing')).to.equal(false);
    expect(canMove('requires_capture', 'succeeded')).to.equal(false); // capture goes through processing
  });

  it('lets only waiting payments be canceled', () => {
    expect(sourcesOf('canceled').sort()).to.deep.equal(['requires_action', 'requires_capture']);
  });
});

describe('settlement backoff', () => {
  it('doubles from about a second and is capped at five minutes, with ±20 % jitter', () => {
    expect(nextAttemptDelayMs(0, undefined, () => 0.5)).to.equal(1000);
    expect(nextAttemptDelayMs(3, undefined, () => 0.5)).to.equal(8000);
    expect(nextAttemptDelayMs(50, undefined, () => 0.5)).to.equal(300_000);
    expect(nextAttemptDelayMs(3, undefined, () => 0)).to.equal(6400);
    expect(nextAttemptDelayMs(3, undefined, () => 1)).to.equal(9600);
  });
});

describe('boleto due date', () => {
  it('falls on a São Paulo calendar day and expires at 23:59 there', () => {
    // 02:00 UTC on the 10th is still the 9th in São Paulo (UTC−3).
    const { dueDate, expiresAt } = boletoDueDate(3, new Date('2026-03-10T02:00:00Z'));
    expect(dueDate).to.equal('2026-03-12');
    expect(expiresAt.toISOString()).to.equal('2026-03-13T02:59:00.000Z');
  });
});

describe('refund rules', () => {
  const payment = {
    id: 'pay_1',
    status: 'succeeded' as const,
    method: 'card' as const,
    amountReceived: 1000,
    amountRefunded: 0,
    capturedAt: new Date('2026-01-01T00:00:00Z'),
  };

  it('defaults to everything left, and refuses more than is left', () => {
    expect(checkRefund(payment, undefined)).to.deep.equal({ ok: true, amount: 1000 });
    expect(checkRefund({ ...payment, amountRefunded: 400 }, 600)).to.deep.equal({ ok: true, amount: 600 });
    const over = checkRefund({ ...payment, amountRefunded: 400 }, 601);
    expect(over.ok === false && over.refusal.code).to.equal('amount_too_large');
    const full = checkRefund({ ...payment, amountRefunded: 1000 }, undefined);
    expect(full.ok === false && full.refusal.message).to.match(/already been refunded in full/);
  });

  it('refuses boletos, unpaid payments, and Pix older than 90 days', () => {
    const boleto = checkRefund({ ...payment, method: 'boleto' }, 1);
    expect(boleto.ok === false && boleto.refusal.code).to.equal('refund_unsupported');
    const unpaid = checkRefund({ ...payment, status: 'requires_capture' as never }, 1);
    expect(unpaid.ok === false && unpaid.refusal.code).to.equal('payment_unexpected_state');
    const now = new Date('2026-04-01T00:00:01Z'); // 90 days and a second after capture
    const old = checkRefund({ ...payment, method: 'pix' }, 1, now);
    expect(old.ok === false && old.refusal.code).to.equal('refund_window_expired');
    expect(checkRefund({ ...payment, method: 'pix' }, 1, new Date('2026-03-31T00:00:00Z')).ok).to.equal(true);
  });
});

describe('PaymentSteps.move', () => {
  it('refuses an edge the transition table lacks, before touching the store', async () => {
    let updates = 0;
    const steps = new PaymentSteps({
      store: { update: async () => (updates += 1) && undefined } as never,
      provider: {} as never,
      ledger: {} as never,
      events: { wake: () => undefined },
      logger: {} as never,
      authorizationTtlSeconds: 60,
    });
    const payment = { id: 'pay_1', status: 'succeeded' } as never;
    let error: unknown;
    await steps.move(payment, ['succeeded'], { status: 'processing' }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/no edge succeeded -> processing/);
    expect(updates).to.equal(0);
    await steps.move(payment, ['requires_capture'], { status: 'processing' });
    expect(updates).to.equal(1);
  });
});
