/** Where a login session stands: in use, past its expiry, or signed out (revoked). */
export type SessionState = 'active' | 'expired' | 'revoked';
