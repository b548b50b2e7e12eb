export const GROUPS = ['customer', 'merchant', 'admin'] as const;
export type Group = (typeof GROUPS)[number];

export interface User {
  id: string;
  email: string;
  name: string | null;
  groups: string[];
  createdAt: Date;
}

/** Emails are compared in one canonical form: trimmed and lowercased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function publicUser(user: User) {
  return {
    id: user.id,
    object: 'user' as const,
    email: user.email,
    name: user.name,
    groups: user.groups,
    created_at: user.createdAt.toISOString(),
  };
}
