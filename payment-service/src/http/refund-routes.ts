import { auth, commonErrors, defineRoute, listBody, pageRequest } from '@micropay/platform';
import { paymentErrors } from '../domain/errors';
import { presentRefund } from '../domain/presenters';
import type { RefundService } from '../domain/refund-service';
import { CreateRefundBody, RefundIdParams, RefundListQuery, RefundListSchema, RefundSchema } from './schemas';

export function refundRoutes(refunds: RefundService) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/refunds',
      operationId: 'createRefund',
      summary: 'Refund a payment, in full or in part',
      description: [
        'Moves the amount (default: all not yet refunded) from the wallet back to the provider, which pays the payer.',
        'Several partial refunds are allowed; together they never exceed amount_received, even when sent in parallel.',
        'A wallet that no longer holds the money answers 402 insufficient_funds and nothing moves.',
        'Pix: within 90 days. Boleto: not refundable (400 refund_unsupported).',
      ].join(' '),
      tags: ['refunds'],
      auth: auth.user(),
      idempotency: 'required',
      request: { body: CreateRefundBody },
      responses: {
        201: { description: 'The refund: succeeded, or pending while a peer is down.', schema: RefundSchema },
      },
      errors: [
        paymentErrors.payment_not_found,
        paymentErrors.payment_unexpected_state,
        paymentErrors.amount_too_large,
        paymentErrors.refund_unsupported,
        paymentErrors.refund_window_expired,
        paymentErrors.insufficient_funds,
        commonErrors.upstream_unavailable,
      ],
      async handler({ body, caller, idempotencyKey }) {
        const refund = await refunds.create(
          caller.sub,
          { payment: body.payment, amount: body.amount, reason: body.reason },
          idempotencyKey as string,
        );
        return { status: 201, body: presentRefund(refund) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/refunds/:id',
      operationId: 'getRefund',
      summary: 'Get one of your refunds',
      tags: ['refunds'],
      auth: auth.user(),
      request: { params: RefundIdParams },
      responses: { 200: { description: 'The refund.', schema: RefundSchema } },
      errors: [paymentErrors.refund_not_found],
      async handler({ params, caller }) {
        return { status: 200, body: presentRefund(await refunds.get(caller.sub, params.id)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/refunds',
      operationId: 'listRefunds',
      summary: 'List your refunds (of one payment with ?payment=), newest first',
      tags: ['refunds'],
      auth: auth.user(),
      request: { query: RefundListQuery },
      responses: { 200: { description: 'A page of refunds.', schema: RefundListSchema } },
      async handler({ query, caller }) {
        const page = await refunds.list(caller.sub, pageRequest(query), query.payment);
        return { status: 200, body: listBody(page, presentRefund) };
      },
    }),
  ];
}
