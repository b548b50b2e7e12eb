import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24–64). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` is the event id (stable across
 * retries, so receivers dedupe on it), and `webhook-signature` carries one `v1,<base64>` per
 * secret still valid, space-separated, so a receiver mid-rotation verifies with either.
 */
export function signedHeaders(secrets: string[], id: string, timestamp: Date, payload: string) {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  const at = new Date(seconds * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, at, payload)).join(' '),
  };
}
