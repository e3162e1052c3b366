import { LIMITS, codePointLength, type Profile, type UpdateProfileRequest } from '@tweeter/shared';

// The Settings page's form rules, said before the round trip (the server stays the authority).

export interface ProfileFields {
  firstName: string;
  lastName: string;
  bio: string;
}

export function profileFields(profile: Pick<Profile, 'firstName' | 'lastName' | 'bio'>): ProfileFields {
  return { firstName: profile.firstName, lastName: profile.lastName, bio: profile.bio };
}

/** Characters left in a bio, counted as the server counts them (code points after trimming, a line break as one). */
export function bioLeft(bio: string): number {
  return LIMITS.bioMax - codePointLength(bio.replace(/\r\n?/g, '\n').trim());
}

/** The fields that differ from the profile (trimmed as the server trims them), and what is wrong with them. */
export function profileChanges(
  profile: Pick<Profile, 'firstName' | 'lastName' | 'bio'>,
  fields: ProfileFields,
): { changes: UpdateProfileRequest; problems: string[] } {
  const problems: string[] = [];
  const changes: UpdateProfileRequest = {};
  for (const name of ['firstName', 'lastName'] as const) {
    const value = fields[name].trim();
    const label = name === 'firstName' ? 'First name' : 'Last name';
    if (value === '') problems.push(`${label} must not be empty`);
    else if (codePointLength(value) > LIMITS.nameMax)
      problems.push(`${label} must be at most ${LIMITS.nameMax} characters`);
    if (value !== profile[name]) changes[name] = value;
  }
  const bio = fields.bio.replace(/\r\n?/g, '\n').trim();
  if (bioLeft(bio) < 0) problems.push(`Bio must be at most ${LIMITS.bioMax} characters`);
  if (bio !== profile.bio) changes.bio = bio;
  return { changes, problems };
}

export interface PasswordFields {
  current: string;
  next: string;
  confirm: string;
}

/** What stops a password change: the registration rule for the new one, and the confirmation. */
export function passwordProblems(f: PasswordFields): string[] {
  const problems: string[] = [];
  if (f.next && (f.next.length < LIMITS.passwordMin || f.next.length > LIMITS.passwordMax))
    problems.push(`New password must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`);
  if (f.confirm && f.confirm !== f.next) problems.push('The new passwords do not match');
  return problems;
}

export function canChangePassword(f: PasswordFields): boolean {
  return f.current !== '' && f.next !== '' && f.confirm !== '' && passwordProblems(f).length === 0;
}

/** The file name the server suggests (Content-Disposition), for a download started from a Blob. */
export function exportFileName(alias: string, now: Date): string {
  return `tweeter-${alias}-${now.toISOString().slice(0, 10)}.json`;
}
