import { auth, commonErrors, defineRoute, listBody, pageRequest } from '@micropay/platform';
import { paymentErrors } from '../domain/errors';
import type { CreatePayment, PaymentService } from '../domain/payment-service';
import { presentPayment } from '../domain/presenters';
import {
  CancelBody,
  CaptureBody,
  CreatePaymentBody,
  PaymentIdParams,
  PaymentListQuery,
  PaymentListSchema,
  PaymentSchema,
} from './schemas';

/** The API body as the domain's request: method details in camelCase, defaults applied. */
function toCreatePayment(body: CreatePaymentBody): CreatePayment {
  const common = {
    amount: body.amount,
    currency: body.currency,
    account: body.account,
    description: body.description,
    metadata: body.metadata,
  };
  switch (body.method) {
    case 'card':
      return { ...common, method: 'card', card: body.card, captureMethod: body.capture_method };
    case 'pix':
      return { ...common, method: 'pix', pix: { expiresAfterSeconds: body.pix.expires_after_seconds } };
    case 'boleto':
      return {
        ...common,
        method: 'boleto',
        boleto: {
          taxId: body.boleto.tax_id,
          name: body.boleto.name,
          email: body.boleto.email ?? null,
          expiresAfterDays: body.boleto.expires_after_days,
        },
      };
  }
}

export function paymentRoutes(payments: PaymentService) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/payments',
      operationId: 'createPayment',
      summary: 'Pay into your wallet by card, Pix or boleto',
      description: [
        'card: the provider authorises the card; with capture_method automatic it is captured and the wallet credited',
        '(201 succeeded, or processing while the ledger or the provider could not be reached — it completes on its own);',
        'with manual, 201 requires_capture and the amount shows as the wallet’s pending_credits until capture.',
        'A decline answers 402 card_declined with decline_code and the payment id.',
        'pix and boleto (brl only): 201 requires_action with next_action (the QR code, or the boleto voucher);',
        'the wallet is credited when the provider reports the payer paid.',
      ].join(' '),
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
        const payment = await payments.create(caller.sub, toCreatePayment(body), idempotencyKey as string);
        return { status: 201, body: presentPayment(payment) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/payments/:id/capture',
      operationId: 'capturePayment',
      summary: 'Capture an authorised card payment',
      description:
        'Only from requires_capture, at most once. amount_to_capture (default: everything) may be less than authorised; the rest is released.',
      tags: ['payments'],
      auth: auth.user(),
      request: { params: PaymentIdParams, body: CaptureBody },
      responses: {
        200: { description: 'The payment, succeeded (or processing while a peer is down).', schema: PaymentSchema },
      },
      errors: [paymentErrors.payment_not_found, paymentErrors.payment_unexpected_state, paymentErrors.amount_too_large],
      async handler({ params, body, caller }) {
        const payment = await payments.capture(caller.sub, params.id, body.amount_to_capture);
        return { status: 200, body: presentPayment(payment) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/payments/:id/cancel',
      operationId: 'cancelPayment',
      summary: 'Cancel a payment that is waiting (requires_capture or requires_action)',
      description:
        'A manual-capture authorisation is released (the ledger hold voided); a Pix or boleto is withdrawn at the provider, so it can no longer be paid. At most once.',
      tags: ['payments'],
      auth: auth.user(),
      request: { params: PaymentIdParams, body: CancelBody },
      responses: { 200: { description: 'The canceled payment.', schema: PaymentSchema } },
      errors: [
        paymentErrors.payment_not_found,
        paymentErrors.payment_unexpected_state,
        commonErrors.upstream_unavailable,
      ],
      async handler({ params, caller }) {
        return { status: 200, body: presentPayment(await payments.cancel(caller.sub, params.id)) };
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
