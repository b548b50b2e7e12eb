/**
 * The rows of a delivery queue (webhook_deliveries, channel_deliveries) a worker may claim with
 * `claimLeased`: pending and due, oldest first.
 */
export const PENDING_AND_DUE = {
  due: "status = 'pending' and next_attempt_at <= now()",
  orderBy: 'next_attempt_at, id',
} as const;
