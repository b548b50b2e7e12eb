import { GROUPS } from '../domain/user';
import { z } from 'zod';

export const RegisterBody = z
  .strictObject({
    // Surrounding spaces (a pasted address) are dropped before the format check; case is normalised later.
    email: z
      .string()
      .trim()
      .pipe(z.email({ error: 'must be a valid email address' }).max(254))
      .meta({ example: 'ana@example.com' }),
    password: z
      .string()
      .meta({ description: 'At least 8 characters, not the email.', example: 'correct horse battery staple' }),
    name: z.string().trim().min(1).max(200).optional().meta({ example: 'Ana Souza' }),
  })
  .meta({ id: 'RegisterRequest' });

export const LoginBody = z
  .strictObject({
    email: z.string().min(1).max(254).meta({ example: 'ana@example.com' }),
    password: z.string().min(1).max(1024),
  })
  .meta({ id: 'LoginRequest' });

export const ConfirmBody = z
  .strictObject({
    email: z.string().min(1).max(254).meta({ example: 'ana@example.com' }),
    code: z
      .string()
      .regex(/^\S{1,32}$/, 'must be the code that was sent')
      .meta({ example: '123456' }),
  })
  .meta({ id: 'ConfirmRequest' });

export const RefreshBody = z
  .strictObject({
    refresh_token: z
      .string()
      .min(1)
      .max(4096)
      .meta({ description: 'The refresh token from the last login or refresh.' }),
  })
  .meta({ id: 'RefreshRequest' });

export const LogoutBody = z
  .strictObject({
    refresh_token: z.string().min(1).max(4096).optional().meta({
      description: 'Cognito mode: revoke this refresh token only (RevokeToken) instead of signing out everywhere.',
    }),
  })
  .optional()
  .meta({ id: 'LogoutRequest' });

export const UserIdParams = z.strictObject({
  id: z.string().min(1).max(128).meta({ example: 'usr_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q' }),
});

export const GroupsBody = z
  .strictObject({
    groups: z
      .array(z.enum(GROUPS))
      .max(GROUPS.length)
      .refine((groups) => new Set(groups).size === groups.length, 'must not repeat a group')
      .meta({
        description: 'The complete set of groups the user belongs to afterwards.',
        example: ['customer', 'merchant'],
      }),
  })
  .meta({ id: 'SetGroupsRequest' });

export const User = z
  .object({
    id: z.string().meta({ example: 'usr_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q' }),
    object: z.literal('user'),
    email: z.string(),
    name: z.string().nullable(),
    groups: z.array(z.string()),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export const TokenSet = z
  .object({
    access_token: z.string(),
    id_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().meta({ description: 'Access token lifetime in seconds.' }),
  })
  .meta({ id: 'TokenSet' });

export const ClientTokenBody = z.strictObject({
  grant_type: z.string().meta({ example: 'client_credentials' }),
  scope: z
    .string()
    .max(1000)
    .optional()
    .meta({ description: 'Space-separated scopes; defaults to all the client may have.' }),
  client_id: z.string().max(128).optional().meta({ description: 'Only with client_secret_post; prefer HTTP Basic.' }),
  client_secret: z.string().max(512).optional(),
});

export const ClientToken = z
  .object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() })
  .meta({ id: 'ClientToken' });

export const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JWKS' });
