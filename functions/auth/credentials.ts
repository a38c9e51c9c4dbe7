/**
 * The rules for usernames and passwords, in one place for register, login,
 * password change and reset. Each check returns the value or a message the
 * form shows as it is.
 */
import { isReservedName } from '../../db/workspaces.ts';
import { normalizePassword } from './password.ts';

export const usernamePattern = /^[A-Za-z0-9._-]{3,32}$/;
export const passwordMinLength = 8;
export const passwordMaxLength = 1024;

export type Checked = { ok: true; value: string } | { ok: false; message: string };

export function checkUsername(raw: string): Checked {
  if (raw === '') return { ok: false, message: 'Enter a username.' };
  if (!usernamePattern.test(raw)) {
    return { ok: false, message: 'A username is 3 to 32 characters: letters, digits, dots, underscores or hyphens.' };
  }
  if (isReservedName(raw)) {
    return { ok: false, message: `"${raw}" is reserved: Berth uses it for a workspace or for its own records. Choose another username.` };
  }
  return { ok: true, value: raw };
}

/**
 * A new password: 8 to 1024 characters (Unicode code points, after NFKC),
 * no composition rules. Too long is refused, never silently truncated.
 */
export function checkNewPassword(raw: string): Checked {
  if (raw === '') return { ok: false, message: 'Enter a password.' };
  const length = [...normalizePassword(raw)].length;
  if (length < passwordMinLength) return { ok: false, message: `A password needs at least ${passwordMinLength} characters.` };
  if (length > passwordMaxLength) return { ok: false, message: `A password can have at most ${passwordMaxLength} characters.` };
  return { ok: true, value: raw };
}

/**
 * A name someone typed, cut to fit the audit trail's actor column (64): the
 * record keeps what was tried without a 10 kB field breaking the insert.
 */
export function attemptedName(raw: string): string {
  const chars = [...raw];
  return chars.length > 64 ? `${chars.slice(0, 63).join('')}…` : raw;
}
