import { auth, commonErrors, defineRoute, listBody, pageRequest } from '@micropay/platform';
import { paymentErrors } from '../domain/errors';
import type { PaymentService } from '../domain/payment-service';
import { presentPayment } from '../domain/presenters';
import { CreatePaymentBody, PaymentIdParams, PaymentListQuery, PaymentListSchema, PaymentSchema } from './schemas';

export function paymentRoutes(payments: PaymentService) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/payments',
      operationId: 'createPayment',
      summary: 'Pay into your wallet by card',
      description:
        'Charges the card through the provider and credits the wallet in the ledger. 201 with status succeeded, or processing when the ledger could not be reached yet (it completes on its own). A decline answers 402 card_declined with decline_code and the payment id.',
      tags: ['payments'],
      auth: auth.user(),
      idempotency: 'required',
      request: { body: CreatePaymentBody },
      responses: { 201: { description: 'The payment.', schema: PaymentSchema } },
      errors: [
        paymentErrors.account_not_found,
        paymentErrors.currency_mismatch,
        paymentErrors.invalid_number,
        paymentErrors.invalid_expiry,
        paymentErrors.invalid_cvc,
        paymentErrors.card_declined,
        paymentErrors.expired_card,
        commonErrors.upstream_unavailable,
      ],
      async handler({ body, caller, idempotencyKey }) {
        const payment = await payments.createCardPayment(
          caller.sub,
          {
            amount: body.amount,
            currency: body.currency,
            account: body.account,
            card: body.card,
            description: body.description,
            metadata: body.metadata,
          },
          idempotencyKey as string,
        );
        return { status: 201, body: presentPayment(payment) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/payments/:id',
      operationId: 'getPayment',
      summary: 'Get one of your payments',
      tags: ['payments'],
      auth: auth.user(),
      request: { params: PaymentIdParams },
      responses: { 200: { description: 'The payment.', schema: PaymentSchema } },
      errors: [paymentErrors.payment_not_found],
      async handler({ params, caller }) {
        return { status: 200, body: presentPayment(await payments.get(caller.sub, params.id)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/payments',
      operationId: 'listPayments',
      summary: 'List your payments, newest first',
      tags: ['payments'],
      auth: auth.user(),
      request: { query: PaymentListQuery },
      responses: { 200: { description: 'A page of payments.', schema: PaymentListSchema } },
      async handler({ query, caller }) {
        const page = await payments.list(caller.sub, pageRequest(query));
        return { status: 200, body: listBody(page, presentPayment) };
      },
    }),
  ];
}
