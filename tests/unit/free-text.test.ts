// Which free text is refused, and why: a table of the rules, plus what stays accepted exactly as typed.
import { describe, expect, it } from 'vitest';
import { freeTextProblem } from '#shared/domain/free-text.js';

describe('freeTextProblem', () => {
  it.each([
    ['a C1 control (CSI)', 'A\u009bB', 'control'],
    ['NUL', 'A\u0000', 'control'],
    ['a line feed in a one-line field', 'A\nB', 'control'],
    ['a lone high surrogate', 'Bob\ud800', 'lone-surrogate'],
    ['a lone low surrogate', '\udc00', 'lone-surrogate'],
    ['U+FDD0', 'x\ufdd0', 'non-character'],
    ['U+10FFFF', 'x\u{10ffff}', 'non-character'],
    ['a right-to-left override', 'abc\u202e', 'bidi-control'],
    ['zero-width characters only', '\u200b\u200c\u200d\u2060', 'invisible-only'],
    ['spaces only', '  \u00a0 ', 'invisible-only'],
    ['combining marks only', '\u0301\u0301', 'invisible-only'],
    ['a Hangul filler only', '\u3164', 'invisible-only'],
  ])('refuses %s', (_what, value, problem) => {
    expect(freeTextProblem(value)).toBe(problem);
  });

  it.each([
    ['accents', 'Siân Ó Súilleabháin'],
    ['emoji with joiners', '👩‍👩‍👧 family'],
    ['a flag', '🇬🇧'],
    ['Welsh', 'Llanfair­pwll'],
    ['Arabic', 'محمد'],
    ['an apostrophe and quotes', `O'Brien "Bob"`],
    ['SQL as data', "Robert'); DROP TABLE emergency_requests;--"],
    ['a decomposed é', 'Rene\u0301'],
  ])('accepts %s', (_what, value) => {
    expect(freeTextProblem(value)).toBeUndefined();
  });

  it('lets multi-line fields keep line breaks and tabs, nothing else', () => {
    expect(freeTextProblem('Line one\r\nLine two\tend', { multiline: true })).toBeUndefined();
    expect(freeTextProblem('Line\u000bone', { multiline: true })).toBe('control');
  });
});
