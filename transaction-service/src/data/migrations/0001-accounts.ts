import type { Migration } from '@micropay/platform';

export const accountsMigration: Migration = {
  name: '0001_accounts',
  async up(knex) {
    await knex.schema.createTable('accounts', (t) => {
      t.text('id').primary();
      t.text('type').notNullable(); // wallet | system
      t.text('owner_id'); // the user of a wallet
      t.text('code'); // what a system account is for, e.g. clearing:sandbox
      t.text('currency').notNullable();
      t.bigInteger('balance').notNullable().defaultTo(0); // posted
      t.bigInteger('pending_debits').notNullable().defaultTo(0);
      t.bigInteger('pending_credits').notNullable().defaultTo(0);
      t.boolean('allow_negative').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw(`
      alter table accounts
        add constraint accounts_type_check check (type in ('wallet', 'system')),
        add constraint accounts_owner_check check ((type = 'wallet') = (owner_id is not null)),
        add constraint accounts_code_check check ((type = 'system') = (code is not null)),
        add constraint accounts_pending_check check (pending_debits >= 0 and pending_credits >= 0),
        -- The last line of defence: whatever the code does, a wallet's available balance never goes negative.
        add constraint accounts_available_check check (allow_negative or balance - pending_debits >= 0)`);
    await knex.raw(
      `create unique index accounts_one_wallet_per_currency on accounts (owner_id, currency) where type = 'wallet'`,
    );
    await knex.raw(
      `create unique index accounts_one_system_per_code on accounts (code, currency) where type = 'system'`,
    );
  },
  async down(knex) {
    await knex.schema.dropTable('accounts');
  },
};
