import { describe, expect, it } from 'vitest';
import { bioLeft, canChangePassword, exportFileName, passwordProblems, profileChanges } from '../src/logic/settings.js';

// The Settings page's rules, without a DOM.
const PROFILE = { firstName: 'Ada', lastName: 'Lovelace', bio: '' };

describe('the profile form', () => {
  it('counts the bio as the server does: code points, trimmed, a CRLF as one', () => {
    expect(bioLeft('')).toBe(160);
    expect(bioLeft('🦆'.repeat(10))).toBe(150);
    expect(bioLeft('  a\r\nb  ')).toBe(157);
    expect(bioLeft('x'.repeat(161))).toBe(-1);
  });

  it('sends only the fields that changed, trimmed, and names what is wrong', () => {
    expect(profileChanges(PROFILE, { ...PROFILE })).toEqual({ changes: {}, problems: [] });
    expect(profileChanges(PROFILE, { firstName: ' Augusta ', lastName: 'Lovelace', bio: 'hi\r\n' })).toEqual({
      changes: { firstName: 'Augusta', bio: 'hi' },
      problems: [],
    });
    expect(
      profileChanges(PROFILE, { firstName: '  ', lastName: 'x'.repeat(51), bio: 'y'.repeat(161) }).problems,
    ).toEqual([
      'First name must not be empty',
      'Last name must be at most 50 characters',
      'Bio must be at most 160 characters',
    ]);
  });
});

describe('the password form', () => {
  it('asks for all three fields, the registration rule and a matching confirmation', () => {
    const ok = { current: 'old password', next: 'new password', confirm: 'new password' };
    expect(canChangePassword(ok)).toBe(true);
    expect(canChangePassword({ ...ok, current: '' })).toBe(false);
    expect(passwordProblems({ ...ok, next: 'short', confirm: 'short' })).toEqual([
      'New password must be 8 to 256 characters',
    ]);
    expect(passwordProblems({ ...ok, confirm: 'new passwor' })).toEqual(['The new passwords do not match']);
    expect(canChangePassword({ ...ok, confirm: 'other' })).toBe(false);
  });
});

it('names the download as the server does', () => {
  expect(exportFileName('ada', new Date('2026-12-05T10:00:00Z'))).toBe('tweeter-ada-2026-12-05.json');
});
