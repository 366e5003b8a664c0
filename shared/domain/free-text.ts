// What free text people type may contain: the rules every free-text field applies, pure so they can be table- and property-tested.

export type FreeTextProblem = 'control' | 'lone-surrogate' | 'non-character' | 'bidi-control' | 'invisible-only';

// C0 (U+0000–001F), DEL and C1 (U+0080–009F). Multi-line fields may keep tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controls = /[\u0000-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlsExceptLineBreaks = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// With the u flag a well-formed pair is one code point, so only an unpaired half matches.
const loneSurrogate = /[\uD800-\uDFFF]/u;
// U+FDD0–FDEF and the last two code points of every plane are reserved as non-characters by Unicode.
const nonCharacter =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;
// Bidirectional embeddings, overrides and isolates reorder what a dispatcher reads ("Trojan Source"); no name or note needs them.
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/;
// Whitespace, format characters (zero-width space/joiners, word joiner, BOM), other default-ignorables (variation
// selectors, Hangul fillers), combining marks with nothing to combine with, and the blank Braille pattern.
const invisible = /[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]/gu;

/** The first rule the text breaks, or undefined when it is acceptable. */
export function freeTextProblem(value: string, options: { multiline?: boolean } = {}): FreeTextProblem | undefined {
  if (loneSurrogate.test(value)) return 'lone-surrogate';
  if ((options.multiline ? controlsExceptLineBreaks : controls).test(value)) return 'control';
  if (nonCharacter.test(value)) return 'non-character';
  if (bidiControl.test(value)) return 'bidi-control';
  if (value.replace(invisible, '') === '') return 'invisible-only';
  return undefined;
}

export const freeTextMessages: Record<FreeTextProblem, string> = {
  control: 'must not contain control characters',
  'lone-surrogate': 'must not contain unpaired UTF-16 surrogates (broken characters)',
  'non-character': 'must not contain Unicode non-characters',
  'bidi-control': 'must not contain bidirectional override or isolate characters',
  'invisible-only': 'must contain visible characters, not only spaces or invisible characters',
};
