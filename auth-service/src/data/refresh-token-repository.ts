import type { Knex } from 'knex';

export class RefreshTokenRepository {
  constructor(private readonly knex: Knex) {}

  async insert(token: { id: string; tokenHash: string; userId: string; familyId: string; clientId: string; expiresAt: Date }): Promise<void> {
    await this.knex('refresh_tokens').insert({
      id: token.id,
      token_hash: token.tokenHash,
      user_id: token.userId,
      family_id: token.familyId,
      client_id: token.clientId,
      expires_at: token.expiresAt,
    });
  }
}
