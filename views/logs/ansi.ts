// ANSI escape sequences in log text. Colours and text styles (SGR) become CSS
// classes — never inline styles, which the CSP forbids — through anser;
// every other sequence (cursor moves, erase, window titles, hyperlinks) is
// dropped, as found by ansi-regex. The text itself is left to JSX to escape.
import Anser from 'anser';
import ansiRegex from 'ansi-regex';

/** Any escape sequence, or an ESC / C1 CSI that starts none (then it is dropped alone). */
const ANY_SEQUENCE = new RegExp(`${ansiRegex().source}|[\\u001B\\u009B]`, 'g');
const SGR = /^(?:\u001B\[|\u009B)[\d;:]*m$/;
const MAY_HAVE_SEQUENCES = /[\u001B\u0080-\u009F]/;

/** The text as shown: every escape sequence removed. */
export function stripAnsi(text: string): string {
  return MAY_HAVE_SEQUENCES.test(text) ? text.replace(ANY_SEQUENCE, '') : text;
}

export interface StyledText {
  text: string;
  /** CSS classes from views/static/berth.css (`ansi-fg-red`, `ansi-bold`, …); empty for plain text. */
  classes: string[];
}

/**
 * Colours are rendered in a line's first this many characters; the rest of
 * a longer line is plain text. A line of a million colour changes would
 * otherwise be a million spans, built while other requests wait.
 */
const MAX_STYLED_CHARS = 20_000;

/**
 * Log text cut into runs of one style (colours in the first MAX_STYLED_CHARS).
 *
 * @example
 * styledRuns('\x1b[31merror\x1b[0m ok') // [{ text: 'error', classes: ['ansi-fg-red'] }, { text: ' ok', classes: [] }]
 */
export function styledRuns(text: string): StyledText[] {
  if (!MAY_HAVE_SEQUENCES.test(text)) return [{ text, classes: [] }];
  if (text.length > MAX_STYLED_CHARS) {
    // Cut before an escape sequence near the limit rather than through it.
    const escape = text.lastIndexOf('\u001b', MAX_STYLED_CHARS);
    const cut = escape > MAX_STYLED_CHARS - 64 ? escape : MAX_STYLED_CHARS;
    return [...styledRuns(text.slice(0, cut)), { text: stripAnsi(text.slice(cut)), classes: [] }];
  }
  const colourOnly = text.replace(ANY_SEQUENCE, (sequence) => (SGR.test(sequence) ? sequence : ''));
  return Anser.ansiToJson(colourOnly, { use_classes: true, remove_empty: true }).map((entry) => ({
    text: entry.content,
    classes: [
      ...colourClass('fg', entry.fg, entry.fg_truecolor),
      ...colourClass('bg', entry.bg, entry.bg_truecolor),
      ...entry.decorations.filter((decoration) => STYLES.has(decoration)).map((decoration) => `ansi-${decoration}`),
    ],
  }));
}

/** Text styles with a class; blink is left out on purpose, and anser applies `reverse` itself. */
const STYLES = new Set(['bold', 'dim', 'italic', 'underline', 'hidden', 'strikethrough']);

/** The 16 colours with a class, as xterm draws them by default (for finding the nearest). */
const BASIC_COLOURS: [name: string, rgb: [number, number, number]][] = [
  ['black', [0, 0, 0]],
  ['red', [205, 0, 0]],
  ['green', [0, 205, 0]],
  ['yellow', [205, 205, 0]],
  ['blue', [0, 0, 238]],
  ['magenta', [205, 0, 205]],
  ['cyan', [0, 205, 205]],
  ['white', [229, 229, 229]],
  ['bright-black', [127, 127, 127]],
  ['bright-red', [255, 0, 0]],
  ['bright-green', [0, 255, 0]],
  ['bright-yellow', [255, 255, 0]],
  ['bright-blue', [92, 92, 255]],
  ['bright-magenta', [255, 0, 255]],
  ['bright-cyan', [0, 255, 255]],
  ['bright-white', [255, 255, 255]],
];
const BASIC_NAMES = new Set(BASIC_COLOURS.map(([name]) => name));

/**
 * 256-palette and 24-bit colours are drawn with the nearest of the 16 classed
 * colours: a class per colour keeps styles out of the markup.
 */
function colourClass(layer: 'fg' | 'bg', anserColour: string | null, truecolor: string | null): string[] {
  if (!anserColour) return [];
  const name = anserColour.replace(/^ansi-/, '');
  if (BASIC_NAMES.has(name)) return [`ansi-${layer}-${name}`];
  const palette = /^palette-(\d+)$/.exec(name);
  const rgb = palette ? paletteRgb(Number(palette[1])) : truecolor?.split(',').map(Number);
  if (!rgb || rgb.length !== 3 || rgb.some((channel) => !Number.isFinite(channel))) return [];
  return [`ansi-${layer}-${nearestBasic(rgb as [number, number, number])}`];
}

/** xterm's 256 colours: 16 basic, a 6×6×6 cube, 24 greys. */
function paletteRgb(index: number): [number, number, number] {
  if (index < 16) return BASIC_COLOURS[index]?.[1] ?? [0, 0, 0];
  if (index >= 232) {
    const grey = 8 + 10 * (index - 232);
    return [grey, grey, grey];
  }
  const cube = index - 16;
  const level = (step: number) => (step === 0 ? 0 : 55 + 40 * step);
  return [level(Math.floor(cube / 36)), level(Math.floor(cube / 6) % 6), level(cube % 6)];
}

function nearestBasic([r, g, b]: [number, number, number]): string {
  let best = 'white';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [name, [br, bg, bb]] of BASIC_COLOURS) {
    const distance = (r - br) ** 2 + (g - bg) ** 2 + (b - bb) ** 2;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
