import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '@micropay/platform';
import { qrPng, qrPngDataUrl } from './codecs/qr-png';
import { boletoPage } from './pages/boleto-page';
import { pixPage } from './pages/pix-page';
import { SandboxError, type SandboxPsp } from './sandbox-psp';
import type { Charge } from './sandbox-state';

const paymentId = z.string().min(1).max(100);
const amount = z.number().int().positive().max(9_999_999_999);

const schemas = {
  charge: z.strictObject({
    payment_id: paymentId,
    amount,
    currency: z.string().regex(/^[a-z]{3}$/),
    card: z.object({
      number: z.string().regex(/^\d{12,19}$/),
      exp_month: z.number(),
      exp_year: z.number(),
      cvc: z.string(),
    }),
    capture: z.boolean(),
  }),
  capture: z.strictObject({ amount }),
  pix: z.strictObject({
    payment_id: paymentId,
    amount,
    expires_at: z.iso.datetime(),
    description: z.string().nullable().optional(),
  }),
  boleto: z.strictObject({
    payment_id: paymentId,
    amount,
    due_date: z.iso.date(),
    expires_at: z.iso.datetime(),
    payer: z.object({
      tax_id: z.string().min(11).max(14),
      name: z.string().min(1).max(100),
      email: z.string().nullable(),
    }),
    description: z.string().nullable().optional(),
  }),
  refund: z.strictObject({ payment_id: paymentId, refund_id: z.string().min(1).max(100), amount }),
  payPix: z.strictObject({ data: z.string().min(1, 'must be the BR Code').max(512) }),
  payBoleto: z.strictObject({ number: z.string().min(1, 'must be the linha digitável or barcode').max(64) }),
};

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.');
  throw new SandboxError(400, 'parameter_invalid', `${param || 'body'}: ${issue.message}`, param || undefined);
}

/** The charge as the sandbox's API shows it to the merchant. */
function presentCharge(psp: SandboxPsp, c: Charge) {
  return {
    id: c.id,
    object: 'sandbox_charge',
    payment_id: c.paymentId,
    method: c.method,
    state: c.state,
    amount: c.capturedAmount || c.amount,
    ...(c.declineCode ? { decline_code: c.declineCode, message: c.message } : {}),
    ...(c.pix
      ? { data: c.pix.data, image_url_png: `${psp.hostedUrl(c)}/qr.png`, hosted_instructions_url: psp.hostedUrl(c) }
      : {}),
    ...(c.boleto ? { number: c.boleto.number, barcode: c.boleto.barcode, hosted_voucher_url: psp.hostedUrl(c) } : {}),
    expires_at: c.expiresAt ?? null,
  };
}

/**
 * The sandbox PSP's HTTP API. `/v1/charges`, `/v1/pix`, `/v1/boletos`, `/v1/payments/*` and
 * `/v1/refunds` are the merchant's (Bearer API key, as a PSP's secret key); `/v1/sandbox/*`
 * plays the payer and serves the hosted pages (public, reached through the gateway).
 */
export function createSandboxApp(deps: { psp: SandboxPsp; apiKey: string; logger: Logger; isReady: () => boolean }) {
  const { psp } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const id = req.get('x-request-id') ?? `req_${randomUUID()}`;
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  });
  app.get('/livez', (_req, res) => void res.json({ status: 'live' }));
  app.get(
    '/readyz',
    (_req, res) => void res.status(deps.isReady() ? 200 : 503).json({ status: deps.isReady() ? 'ready' : 'stopping' }),
  );
  app.use(express.json({ limit: '100kb' }));

  const expectedKey = Buffer.from(`Bearer ${deps.apiKey}`);
  const merchant = (req: Request, _res: Response, next: NextFunction) => {
    const given = Buffer.from(req.get('authorization') ?? '');
    if (given.length !== expectedKey.length || !timingSafeEqual(given, expectedKey)) {
      next(new SandboxError(401, 'invalid_api_key', 'Send the sandbox API key as a Bearer token.'));
      return;
    }
    next();
  };

  const api = express.Router();
  api.use(merchant);
  api.post('/v1/charges', (req, res) => {
    const b = parse(schemas.charge, req.body);
    const charge = psp.authorizeCard({
      paymentId: b.payment_id,
      amount: b.amount,
      currency: b.currency,
      cardNumber: b.card.number,
      capture: b.capture,
    });
    res.json(presentCharge(psp, charge));
  });
  api.post('/v1/charges/:paymentId/capture', (req, res) => {
    res.json(presentCharge(psp, psp.capture(String(req.params.paymentId), parse(schemas.capture, req.body).amount)));
  });
  api.post('/v1/payments/:paymentId/cancel', (req, res) => {
    res.json(presentCharge(psp, psp.cancel(String(req.params.paymentId))));
  });
  api.get('/v1/payments/:paymentId', (req, res, next) => {
    const charge = psp.lookup(String(req.params.paymentId));
    if (!charge)
      next(new SandboxError(404, 'charge_not_found', 'The sandbox has no charge for this payment.', 'payment_id'));
    else res.json(presentCharge(psp, charge));
  });
  api.post('/v1/pix', (req, res) => {
    const b = parse(schemas.pix, req.body);
    const charge = psp.createPix({
      paymentId: b.payment_id,
      amount: b.amount,
      expiresAt: new Date(b.expires_at),
      description: b.description ?? null,
    });
    res.json(presentCharge(psp, charge));
  });
  api.post('/v1/boletos', (req, res) => {
    const b = parse(schemas.boleto, req.body);
    const charge = psp.createBoleto({
      paymentId: b.payment_id,
      amount: b.amount,
      dueDate: b.due_date,
      expiresAt: new Date(b.expires_at),
      payer: { taxId: b.payer.tax_id, name: b.payer.name, email: b.payer.email },
      description: b.description ?? null,
    });
    res.json(presentCharge(psp, charge));
  });
  api.post('/v1/refunds', (req, res) => {
    const b = parse(schemas.refund, req.body);
    const refund = psp.refund({ paymentId: b.payment_id, refundId: b.refund_id, amount: b.amount });
    res.json({ id: refund.id, object: 'sandbox_refund', status: 'succeeded', amount: refund.amount });
  });

  // The payer's side: public, through the gateway.
  const payer = express.Router();
  payer.post('/pix/pay', (req, res) => {
    const charge = psp.payPix(parse(schemas.payPix, req.body).data);
    res.json({ object: 'sandbox_payment', status: 'paid', amount: charge.amount, method: 'pix' });
  });
  payer.post('/boleto/pay', (req, res) => {
    const charge = psp.payBoleto(parse(schemas.payBoleto, req.body).number);
    res.json({ object: 'sandbox_payment', status: 'paid', amount: charge.amount, method: 'boleto' });
  });
  const hosted = (method: 'pix' | 'boleto') => (req: Request) => {
    const found = psp.findCharge(String(req.params.id));
    if (!found || found.method !== method)
      throw new SandboxError(404, 'charge_not_found', `No such ${method} charge.`, 'id');
    return found;
  };
  payer.get('/pix/:id/qr.png', async (req, res) => {
    const charge = hosted('pix')(req);
    res
      .type('png')
      .setHeader('cache-control', 'public, max-age=86400')
      .send(await qrPng(charge.pix!.data));
  });
  payer.get('/pix/:id', async (req, res) => {
    const charge = hosted('pix')(req);
    res.type('html').send(
      pixPage({
        amountCents: charge.amount,
        data: charge.pix!.data,
        imageUrl: await qrPngDataUrl(charge.pix!.data),
        expiresAt: new Date(charge.expiresAt!),
        description: charge.description ?? undefined,
        status: charge.state === 'paid' ? 'succeeded' : charge.state === 'pending' ? undefined : 'canceled',
      }),
    );
  });
  payer.get('/boletos/:id', (req, res) => {
    const charge = hosted('boleto')(req);
    const boleto = charge.boleto!;
    res.type('html').send(
      boletoPage({
        amountCents: charge.amount,
        number: boleto.number,
        barcode: boleto.barcode,
        dueDate: boleto.dueDate,
        expiresAt: new Date(charge.expiresAt!),
        payerName: boleto.payer.name,
        payerTaxId: boleto.payer.taxId,
        beneficiary: { name: 'MicroPay Sandbox' },
        description: charge.description ?? undefined,
        status: charge.state === 'paid' ? 'succeeded' : charge.state === 'pending' ? undefined : 'canceled',
      }),
    );
  });

  app.use('/v1/sandbox', payer);
  app.use(api);
  app.use((_req, _res, next) => next(new SandboxError(404, 'route_not_found', 'No such route on the sandbox.')));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known =
      error instanceof SandboxError
        ? error
        : (error as { type?: string }).type === 'entity.parse.failed'
          ? new SandboxError(400, 'invalid_json', 'The body is not valid JSON.')
          : undefined;
    if (!known) deps.logger.error({ err: error }, 'sandbox request failed');
    const status = known?.status ?? 500;
    res.status(status).json({
      error: {
        type: status >= 500 ? 'api_error' : 'invalid_request_error',
        code: known?.code ?? 'internal_error',
        message: known?.message ?? 'Something went wrong in the sandbox.',
        ...(known?.param ? { param: known.param } : {}),
        request_id: res.locals.requestId,
      },
    });
  });
  return app;
}
