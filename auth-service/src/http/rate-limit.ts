import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { commonErrors } from '@micropay/platform';

/**
 * Per-client-IP limit on /v1/auth/* (express-rate-limit, in memory per replica; API Gateway
 * throttling sits in front in AWS). The client IP is the Express `req.ip`, which honours
 * X-Forwarded-For only from the trusted proxies createServiceApp configures.
 */
export function authRateLimit(options: { max: number; windowSeconds: number }): { path: string; router: Router } {
  const router = Router();
  router.use(
    rateLimit({
      windowMs: options.windowSeconds * 1000,
      limit: options.max,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // Retry-After is set by the limiter before this runs; the error middleware writes the body.
      handler: (_req, _res, next) =>
        next(commonErrors.rate_limited.create('Too many requests to /v1/auth; retry after the Retry-After delay.')),
    }),
  );
  return { path: '/v1/auth', router };
}
