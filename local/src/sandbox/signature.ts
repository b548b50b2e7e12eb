import { createHmac } from 'node:crypto';

/**
 * `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.rawBody">`, in the style of
 * Stripe-Signature. payment-service verifies it on the raw bytes (its own code, as it would a
 * real provider's): the two sides share the format, not the code.
 */
export function signSandboxPayload(secret: string, rawBody: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
