import { auth, defineRoute } from '@micropay/platform';
import { z } from 'zod';
import { paymentErrors } from '../domain/errors';
import { ProviderSignatureError, type PaymentProvider } from '../domain/ports';
import type { ProviderWebhooks } from '../domain/provider-webhooks';

/**
 * Where the provider reports settlements. Public (no JWT): the signature over the raw body is
 * the authentication. The event is verified and recorded before 2xx, and applied afterwards
 * (`wake`), so the provider gets its answer fast and a crash after 2xx loses nothing.
 */
export function providerWebhookRoutes(provider: PaymentProvider, webhooks: ProviderWebhooks, wake: () => void) {
  return [
    defineRoute({
      method: 'post',
      path: `/v1/provider-webhooks/${provider.name}`,
      operationId: 'receiveProviderWebhook',
      summary: `Settlement events from the ${provider.name} provider (signed)`,
      description:
        'Header Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.rawBody">, within 5 minutes of our clock. Deduplicated by event id.',
      tags: ['provider webhooks'],
      auth: auth.public(),
      responses: {
        200: { description: 'Recorded.', schema: z.object({ received: z.literal(true), duplicate: z.boolean() }) },
      },
      errors: [paymentErrors.webhook_signature_invalid],
      async handler({ req }) {
        const raw = (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
        let event;
        try {
          event = provider.verifyWebhook(raw, { 'sandbox-signature': req.get('sandbox-signature') });
        } catch (error) {
          if (!(error instanceof ProviderSignatureError)) throw error;
          throw paymentErrors.webhook_signature_invalid.create(`Webhook refused: ${error.message}.`, {
            param: 'Sandbox-Signature',
          });
        }
        const fresh = await webhooks.receive(event);
        if (fresh) wake();
        return { status: 200, body: { received: true as const, duplicate: !fresh } };
      },
    }),
  ];
}
