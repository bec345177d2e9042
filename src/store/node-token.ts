import { createHash, randomBytes } from 'node:crypto';

/** Prefix that makes a lienthong token recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'lt_';

/** A new bearer token: the prefix and 32 random bytes in base64url (256 bits of entropy). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored for a token: SHA-256 of its text, hex. A fast hash is enough here because the
 * token is 256 random bits, not a password: no dictionary to try.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
