import { expect } from 'chai';
import { applySesFeedback, parseSesFeedback } from '../../../src/domain/email-feedback';
import type { SuppressionStore } from '../../../src/domain/ports';

const bounce = {
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'NoEmail',
    bouncedRecipients: [{ emailAddress: 'Gone@Example.com', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
  },
  mail: { messageId: '0100018c-abc' },
};

describe('SES feedback parsing', () => {
  it('reads a permanent bounce delivered raw (the foundation subscription) and inside SNS notification JSON', () => {
    const expected = {
      kind: 'bounce',
      emails: ['Gone@Example.com'],
      detail: 'Permanent/NoEmail (SES message 0100018c-abc)',
    };
    expect(parseSesFeedback(JSON.stringify(bounce))).to.deep.equal(expected);
    const wrapped = JSON.stringify({ Type: 'Notification', MessageId: 'm1', Message: JSON.stringify(bounce) });
    expect(parseSesFeedback(wrapped)).to.deep.equal(expected);
  });

  it('reads complaints from configuration-set events (eventType) as well as identity notifications', () => {
    const complaint = { complaint: { complainedRecipients: [{ emailAddress: 'a@example.com' }] } };
    expect(parseSesFeedback(JSON.stringify({ eventType: 'Complaint', ...complaint }))).to.include({
      kind: 'complaint',
    });
    expect(parseSesFeedback(JSON.stringify({ notificationType: 'Complaint', ...complaint }))).to.include({
      kind: 'complaint',
    });
  });

  it('ignores transient bounces and other event types, and refuses what is not SES feedback', () => {
    const transient = { ...bounce, bounce: { ...bounce.bounce, bounceType: 'Transient' } };
    expect(parseSesFeedback(JSON.stringify(transient))).to.deep.equal({ kind: 'ignored', reason: 'Transient bounce' });
    expect(parseSesFeedback(JSON.stringify({ eventType: 'Delivery', mail: {} }))).to.include({ kind: 'ignored' });
    for (const body of ['not json', '{}', '{"notificationType": "Bounce"}', JSON.stringify({ eventType: 'Complaint' })])
      expect(parseSesFeedback(body), body).to.equal(undefined);
  });

  it('suppresses the addresses lowercased, with the reason; ignored feedback suppresses nothing', async () => {
    const calls: unknown[] = [];
    const store: SuppressionStore = {
      suppress: async (emails, reason, detail) => {
        calls.push({ emails, reason, detail });
        return emails.length;
      },
    };
    expect(await applySesFeedback(store, parseSesFeedback(JSON.stringify(bounce))!)).to.equal(1);
    expect(await applySesFeedback(store, { kind: 'ignored', reason: 'Delivery' })).to.equal(0);
    expect(calls).to.deep.equal([
      { emails: ['gone@example.com'], reason: 'bounce', detail: 'Permanent/NoEmail (SES message 0100018c-abc)' },
    ]);
  });
});
