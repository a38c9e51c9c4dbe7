/** The Unicode bidirectional embeddings, overrides and isolates, as a character-class range (also used by the audit trail). */
export const DIRECTION_OVERRIDES = '\\u202A-\\u202E\\u2066-\\u2069';
const OVERRIDE = new RegExp(`[${DIRECTION_OVERRIDES}]`, 'u');

/**
 * Characters refused in text Berth shows back to other users (a command, an
 * environment value): C0 and C1 control characters (ESC starts terminal
 * escape sequences; a page or a copied line would not show what runs) and
 * the Unicode bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees.
 * Line feed and tab are the caller's choice (`allow`).
 */
const UNSAFE = new RegExp(`[\\u0000-\\u001F\\u007F-\\u009F${DIRECTION_OVERRIDES}]`, 'u');

/** Names the first refused character in `text`, e.g. `U+001B (a control character)`, or null. */
export function findUnsafeCharacter(text: string, allow: { tab?: boolean; lineFeed?: boolean } = {}): string | null {
  for (const char of text) {
    if (!UNSAFE.test(char)) continue;
    if ((char === '\t' && allow.tab) || (char === '\n' && allow.lineFeed)) continue;
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `${code} (${OVERRIDE.test(char) ? 'a Unicode text-direction override' : 'a control character'})`;
  }
  return null;
}
