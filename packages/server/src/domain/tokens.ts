import { hash, randomBytes } from 'node:crypto';

/** An opaque bearer token: 32 random bytes, base64url. Only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token (SHA-256, base64url); every authenticated request computes it, so one-shot `hash`. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'base64url');
}
