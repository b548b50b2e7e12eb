/**
 * Who may call a route. `users` admits end-user access tokens; `clientScopes` admits
 * client-credentials tokens holding every listed scope (`null`: clients not admitted).
 */
export interface AuthPolicy {
  public: boolean;
  users: boolean;
  clientScopes: string[] | null;
  groups?: string[];
}

export const auth = {
  public: (): AuthPolicy => ({ public: true, users: false, clientScopes: null }),
  user: (options: { groups?: string[] } = {}): AuthPolicy => ({
    public: false,
    users: true,
    clientScopes: null,
    ...options,
  }),
  client: (...scopes: string[]): AuthPolicy => ({ public: false, users: false, clientScopes: scopes }),
  userOrClient: (...scopes: string[]): AuthPolicy => ({ public: false, users: true, clientScopes: scopes }),
};
