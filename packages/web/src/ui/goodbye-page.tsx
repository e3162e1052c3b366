import { useEffect } from 'react';
import { Link, useLocation } from 'react-router';
import { AuthFrame } from './auth-frame.js';
import { useServices } from './services.js';

/** Shown once the account is deleted; it ends the (already revoked) session here, outside the signed-in screens. */
export function GoodbyePage() {
  const { session } = useServices();
  const location = useLocation();
  const deleted = (location.state as { deleted?: unknown } | null)?.deleted === true;
  useEffect(() => {
    if (deleted) session.signOut();
  }, [deleted, session]);

  return (
    <AuthFrame title="Goodbye">
      <p>Your account is deleted. What you wrote leaves everyone&apos;s feeds within a minute or so.</p>
      <p>Thank you for having been here.</p>
      <p className="muted">
        <Link to="/register">Create a new account</Link>
      </p>
    </AuthFrame>
  );
}
