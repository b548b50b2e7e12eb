import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a webhook's timestamp may be from our clock, either way (Stripe uses the same 5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.rawBody">`, in the style of Stripe-Signature. */
export function signSandboxPayload(secret: string, rawBody: string | Buffer, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a Sandbox-Signature header against the exact bytes received. Throws an Error saying
 * what is wrong: missing or malformed header, timestamp outside the tolerance (too old, or
 * from the future), or no v1 signature that matches (compared in constant time).
 */
export function verifySandboxSignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  now = Date.now(),
): void {
  if (!header) throw new Error('missing Sandbox-Signature header');
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) throw new Error('malformed Sandbox-Signature header');
  if (Math.abs(now / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new Error('Sandbox-Signature timestamp is outside the tolerance');
  }
  const expected = Buffer.from(signSandboxPayload(secret, rawBody, timestamp).split('v1=')[1]!, 'hex');
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!matches) throw new Error('no matching Sandbox-Signature');
}
