import type { User } from '@tweeter/shared';

/** A user's picture, or their initials when they have none. */
export function Avatar({ user, size = 48 }: { user: User; size?: number }) {
  const name = `${user.firstName} ${user.lastName}`;
  if (user.imageUrl)
    return <img className="avatar" src={user.imageUrl} alt={`${name}'s picture`} width={size} height={size} />;
  return (
    <span
      className="avatar avatar-initials"
      role="img"
      aria-label={`${name}'s picture`}
      style={{ width: size, height: size }}
    >
      {(user.firstName[0] ?? '') + (user.lastName[0] ?? '')}
    </span>
  );
}
