import type { Migration } from '@micropay/platform';

/**
 * Two-phase transfers (docs/adr/0004-holds-on-the-transfer-row.md): a pending transfer is its
 * own hold. It records when it expires and, once posted, how much was posted; a trigger makes
 * every transfer row immutable except for its one resolution, pending → posted | voided.
 */
export const holdsMigration: Migration = {
  name: '0003_holds',
  async up(knex) {
    await knex.schema.alterTable('transfers', (t) => {
      t.bigInteger('posted_amount'); // what actually moved; null until posted
      t.timestamp('expires_at', { useTz: true }); // pending only; null = holds until posted or voided
      t.timestamp('resolved_at', { useTz: true }); // when a pending transfer was posted or voided
    });
    await knex.raw(`update transfers set posted_amount = amount where status = 'posted'`);
    await knex.raw(`
      alter table transfers
        add constraint transfers_posted_amount_check check (
          (status = 'posted') = (posted_amount is not null) and (posted_amount is null or (posted_amount > 0 and posted_amount <= amount)))`);
    // The sweeper's work list: only unresolved holds with a deadline, in deadline order.
    await knex.raw(
      `create index transfers_pending_expiry on transfers (expires_at) where status = 'pending' and expires_at is not null`,
    );
    await knex.raw(`
      create function transfers_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'transfer % cannot be deleted', old.id using errcode = '23001';
        end if;
        if old.status <> 'pending' or new.status not in ('posted', 'voided')
           or to_jsonb(new) - 'status' - 'posted_amount' - 'resolved_at'
              is distinct from to_jsonb(old) - 'status' - 'posted_amount' - 'resolved_at' then
          raise exception 'transfer % is immutable: only pending -> posted|voided is allowed', old.id using errcode = '23001';
        end if;
        return new;
      end $$`);
    await knex.raw(
      `create trigger transfers_immutable before update or delete on transfers for each row execute function transfers_immutable()`,
    );
  },
  async down(knex) {
    await knex.raw('drop trigger transfers_immutable on transfers');
    await knex.raw('drop function transfers_immutable()');
    await knex.raw('drop index transfers_pending_expiry');
    await knex.schema.alterTable('transfers', (t) => {
      t.dropChecks(['transfers_posted_amount_check']);
      t.dropColumns('posted_amount', 'expires_at', 'resolved_at');
    });
  },
};
