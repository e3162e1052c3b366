import { IMAGE_TYPES, LIMITS, codePointLength, type ImageType } from '@tweeter/shared';

/** Sign-in: enabled once both fields hold something. */
export function canSignIn(alias: string, password: string): boolean {
  return alias.trim() !== '' && password !== '';
}

export interface RegisterFields {
  firstName: string;
  lastName: string;
  alias: string;
  password: string;
}

/** Register: enabled once the required fields hold something (the picture is optional). */
export function canRegister(f: RegisterFields): boolean {
  return f.firstName.trim() !== '' && f.lastName.trim() !== '' && f.alias.trim() !== '' && f.password !== '';
}

/** Problems the server would reject, said before the round trip (the server stays the authority). */
export function registerProblems(f: RegisterFields): string[] {
  const problems: string[] = [];
  const alias = f.alias.trim().replace(/^@/, '');
  if (alias && !/^[A-Za-z0-9_]+$/.test(alias)) problems.push('Alias may contain only letters, digits and _');
  else if (alias && (alias.length < LIMITS.aliasMin || alias.length > LIMITS.aliasMax))
    problems.push(`Alias must be ${LIMITS.aliasMin} to ${LIMITS.aliasMax} characters`);
  if (f.password && f.password.length < LIMITS.passwordMin)
    problems.push(`Password must be at least ${LIMITS.passwordMin} characters`);
  if (f.firstName.trim().length > LIMITS.nameMax || f.lastName.trim().length > LIMITS.nameMax)
    problems.push(`Names must be at most ${LIMITS.nameMax} characters`);
  return problems;
}

/** What the post box shows: characters left (counted as the server counts them) and whether it may post. */
export function postState(
  text: string,
  max: number = LIMITS.postMax,
): { left: number; canPost: boolean; canClear: boolean } {
  const n = codePointLength(text.trim());
  return { left: max - n, canPost: n >= 1 && n <= max, canClear: text !== '' };
}

/** Checks a chosen profile picture against the server's limits; null when it is fine. */
export function imageProblem(file: { type: string; size: number }): string | null {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return 'The picture must be a PNG, JPEG or WebP image';
  if (file.size > LIMITS.imageMaxBytes) return 'The picture must be at most 1 MiB';
  return null;
}

export function isImageType(type: string): type is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}
