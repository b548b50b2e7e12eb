import type { Knex } from 'knex';
import { claimLeased, keysetPage, newId, type EventEnvelope, type PageRequest } from '@micropay/platform';
import { PENDING_AND_DUE } from './delivery-queue';
import type { ChannelDelivery, Device } from '../domain/channel-delivery';
import type {
  ChannelOutcome,
  ChannelSends,
  ChannelStore,
  DeviceStore,
  NewNotification,
  SuppressionStore,
} from '../domain/ports';

interface DeviceRow {
  id: string;
  user_id: string;
  platform: Device['platform'];
  token: string;
  endpoint_arn: string | null;
  status: Device['status'];
  disabled_reason: string | null;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  channel: ChannelDelivery['channel'];
  user_id: string;
  device_id: string | null;
  event_id: string;
  event_type: string;
  message: ChannelDelivery['message'];
  status: ChannelDelivery['status'];
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: Date;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  userId: r.user_id,
  platform: r.platform,
  token: r.token,
  endpointArn: r.endpoint_arn,
  status: r.status,
  disabledReason: r.disabled_reason,
  createdAt: r.created_at,
});

const toDelivery = (r: DeliveryRow) =>
  ({
    id: r.id,
    channel: r.channel,
    userId: r.user_id,
    deviceId: r.device_id,
    eventId: r.event_id,
    eventType: r.event_type,
    message: r.message,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    providerMessageId: r.provider_message_id,
    createdAt: r.created_at,
  }) as ChannelDelivery;

/**
 * Queues each event's email and pushes (one per enabled device of the user) in the caller's
 * (inbox) transaction, with one query for the devices and one insert; returns how many were
 * queued for each event, in order.
 */
export async function enqueueChannelDeliveries(
  trx: Knex.Transaction,
  items: readonly { event: EventEnvelope; sends: ChannelSends }[],
): Promise<number[]> {
  const pushUsers = [...new Set(items.flatMap((i) => (i.sends.push ? [i.sends.push.userId] : [])))];
  const devices: DeviceRow[] =
    pushUsers.length > 0 ? await trx('devices').whereIn('user_id', pushUsers).where({ status: 'enabled' }) : [];
  const rows: unknown[][] = [];
  const counts = items.map(({ event, sends }) => {
    const before = rows.length;
    if (sends.email)
      rows.push([
        newId('emd'),
        'email',
        sends.email.userId,
        null,
        event.id,
        event.type,
        JSON.stringify(sends.email.message),
      ]);
    const push = sends.push;
    if (push) {
      const message = JSON.stringify(push.message);
      for (const device of devices.filter((d) => d.user_id === push.userId))
        rows.push([newId('psd'), 'push', push.userId, device.id, event.id, event.type, message]);
    }
    return rows.length - before;
  });
  if (rows.length > 0)
    await trx.raw(
      `insert into channel_deliveries (id, channel, user_id, device_id, event_id, event_type, message)
       values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?::jsonb)').join(', ')}
       on conflict (event_id, channel, coalesce(device_id, '')) do nothing`,
      rows.flat() as never,
    );
  return counts;
}

/** Email and push deliveries, devices and the suppression list. */
export class ChannelRepository implements ChannelStore, DeviceStore, SuppressionStore {
  constructor(private readonly knex: Knex) {}

  async claimDue(limit: number, leaseSeconds: number) {
    const claimed = await claimLeased<DeliveryRow>(this.knex, {
      table: 'channel_deliveries',
      ...PENDING_AND_DUE,
      limit,
      leaseSeconds,
    });
    return claimed.map(toDelivery);
  }

  async recordOutcome(delivery: ChannelDelivery, outcome: ChannelOutcome, sent?: NewNotification) {
    const disablesDevice = outcome.status === 'failed' && outcome.disableDevice && delivery.deviceId;
    const done = outcome.status !== 'pending';
    const update = (trx: Knex | Knex.Transaction) =>
      trx('channel_deliveries')
        .where({ id: delivery.id })
        .update({
          status: outcome.status,
          attempts: trx.raw('attempts + 1'),
          next_attempt_at: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
          locked_until: null,
          last_error: outcome.status === 'sent' ? null : outcome.error.slice(0, 1000),
          provider_message_id: outcome.status === 'sent' ? outcome.providerMessageId : null,
          completed_at: done ? trx.fn.now() : null,
        });
    // The outcome and the notification of what was sent are one statement (the update in a CTE),
    // so both or neither commit; disabling a device adds its own writes in one transaction.
    const write = async (db: Knex | Knex.Transaction) => {
      if (!sent) return void (await update(db));
      const updated = update(db).returning('id').toSQL();
      await db.raw(
        `with updated as (${updated.sql})
         insert into notifications (id, user_id, event_id, type, channel, title, body, data)
         select ?, ?, ?, ?, ?, ?, ?, ?::jsonb from updated
         on conflict (event_id, channel) do nothing`,
        [
          ...updated.bindings,
          sent.id,
          sent.userId,
          sent.eventId,
          sent.type,
          sent.channel,
          sent.title,
          sent.body,
          JSON.stringify(sent.data),
        ] as never,
      );
    };
    if (!disablesDevice) return write(this.knex);
    await this.knex.transaction(async (trx) => {
      await write(trx);
      await trx('devices')
        .where({ id: delivery.deviceId })
        .update({ status: 'disabled', disabled_reason: outcome.error.slice(0, 500) });
      // The device's other queued pushes would meet the same disabled endpoint.
      await trx('channel_deliveries')
        .where({ device_id: delivery.deviceId, status: 'pending' })
        .whereNot({ id: delivery.id })
        .update({ status: 'failed', last_error: 'device disabled', locked_until: null, completed_at: trx.fn.now() });
    });
  }

  async findDevice(id: string) {
    const row = await this.knex<DeviceRow>('devices').where({ id }).first();
    return row && toDevice(row);
  }

  async isSuppressed(email: string) {
    return (await this.knex('email_suppressions').where({ email: email.toLowerCase() }).first()) !== undefined;
  }

  async suppress(emails: string[], reason: 'bounce' | 'complaint', detail: string | null) {
    if (emails.length === 0) return 0;
    const inserted = await this.knex('email_suppressions')
      .insert(emails.map((email) => ({ email: email.toLowerCase(), reason, detail: detail?.slice(0, 1000) ?? null })))
      .onConflict('email')
      .ignore()
      .returning('email');
    return inserted.length;
  }

  async upsertDevice(d: Omit<Device, 'createdAt' | 'status' | 'disabledReason'>) {
    return this.knex.transaction(async (trx) => {
      const existing = await trx<DeviceRow>('devices')
        .where({ platform: d.platform, token: d.token })
        .forUpdate()
        .first();
      if (existing && existing.user_id === d.userId && existing.status === 'enabled')
        return { device: toDevice(existing), created: false };
      if (existing) {
        // Registered again: by its new user (the token moved with the phone), or after SNS disabled it.
        const [row] = await trx('devices')
          .where({ id: existing.id })
          .update({ user_id: d.userId, endpoint_arn: d.endpointArn, status: 'enabled', disabled_reason: null })
          .returning('*');
        return { device: toDevice(row as DeviceRow), created: existing.user_id !== d.userId };
      }
      const [row] = await trx('devices')
        .insert({ id: d.id, user_id: d.userId, platform: d.platform, token: d.token, endpoint_arn: d.endpointArn })
        .onConflict(['platform', 'token'])
        .ignore()
        .returning('*');
      if (row) return { device: toDevice(row as DeviceRow), created: true };
      // A concurrent registration of the same token won the insert.
      const raced = await trx<DeviceRow>('devices').where({ platform: d.platform, token: d.token }).first();
      return { device: toDevice(raced!), created: false };
    });
  }

  async findByToken(platform: Device['platform'], token: string) {
    const row = await this.knex<DeviceRow>('devices').where({ platform, token }).first();
    return row && toDevice(row);
  }

  async listDevices(userId: string, page: PageRequest) {
    const result = await keysetPage<DeviceRow>(this.knex('devices').where({ user_id: userId }), page);
    return { data: result.data.map(toDevice), hasMore: result.hasMore };
  }

  async deleteDevice(userId: string, id: string) {
    return (await this.knex('devices').where({ user_id: userId, id }).delete()) > 0;
  }
}
