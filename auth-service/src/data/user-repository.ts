import type { Knex } from 'knex';
import type { User } from '../domain/user';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  name: string | null;
  groups: string[];
  created_at: Date;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  groups: row.groups,
  createdAt: row.created_at,
});

export class UserRepository {
  constructor(private readonly knex: Knex) {}

  /** Inserts the user; returns undefined when the email is already registered. */
  async insert(user: {
    id: string;
    email: string;
    passwordHash: string;
    name: string | null;
    groups: string[];
  }): Promise<User | undefined> {
    const rows = await this.knex<UserRow>('users')
      .insert({
        id: user.id,
        email: user.email,
        password_hash: user.passwordHash,
        name: user.name,
        groups: user.groups,
      })
      .onConflict('email')
      .ignore()
      .returning('*');
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const row = await this.knex<UserRow>('users').where({ email }).first();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.knex<UserRow>('users').where({ id }).first();
    return row ? toUser(row) : undefined;
  }

  async setGroups(id: string, groups: string[]): Promise<User | undefined> {
    const rows = await this.knex<UserRow>('users')
      .where({ id })
      .update({ groups, updated_at: this.knex.fn.now() } as Partial<UserRow>)
      .returning('*');
    return rows[0] ? toUser(rows[0]) : undefined;
  }
}
