// The free-text field every request schema uses (names, notes, comments): one rule, one set of messages.
import * as z from 'zod';
import { freeTextMessages, freeTextProblem } from '#shared/domain/free-text.js';

/**
 * Trimmed free text of 1..max characters; accents and emoji are kept exactly as sent. Controls, broken surrogates,
 * non-characters and bidi overrides are refused (shared/domain/free-text.ts), as is text with nothing visible in it.
 */
export const freeText = (max: number, what: string, options: { multiline?: boolean } = {}) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be text`) })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .superRefine((value, ctx) => {
      const problem = freeTextProblem(value, options);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${freeTextMessages[problem]}` });
    });
