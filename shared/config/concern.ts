// How settings are declared and read: a concern is one zod schema over a few environment variables, each setting typed,
// documented and defaulted where it is declared. A function parses only the concerns it imports and passes to
// `loadConcerns`, so its bundle carries only their text: the core concerns are one file each in this folder, a
// feature's own concern is in its folder (`functions/<feature>/config.ts`). docs/configuration.md's table is generated
// from every concern (`npx tsx scripts/config-table.ts`) and checked against them by tests/unit/config.test.ts.

import * as z from 'zod';

export type Env = Record<string, string | undefined>;

export interface Setting {
  env: string;
  default: string | undefined;
  description: string;
}

/** One environment variable: how its text is read, what it means, and the text used when it is unset or empty. */
interface Field<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  default: string | undefined;
}

export const field = <S extends z.ZodType>(schema: S, description: string, defaultValue?: string): Field<S> => ({
  schema,
  description,
  default: defaultValue,
});

type Shape<F extends Record<string, Field>> = { -readonly [K in keyof F]: F[K]['schema'] };

/** A concern: its key in the parsed config, its settings, and one zod schema from their text to what the code receives. */
export interface Concern<K extends string = string, T = unknown> {
  readonly key: K;
  readonly settings: readonly Setting[];
  readonly schema: z.ZodType<T, Record<string, string | undefined>>;
}

export function concern<K extends string, F extends Record<string, Field>, T = z.output<z.ZodObject<Shape<F>>>>(
  key: K,
  fields: F,
  refine: (object: z.ZodObject<Shape<F>>) => z.ZodType<T> = (object) => object as unknown as z.ZodType<T>,
): Concern<K, T> {
  const shape = Object.fromEntries(Object.entries(fields).map(([env, f]) => [env, f.schema])) as Shape<F>;
  return {
    key,
    settings: Object.entries(fields).map(([env, f]) => ({ env, default: f.default, description: f.description })),
    schema: refine(z.object(shape)) as Concern<K, T>['schema'],
  };
}

// The text of a setting → a typed value. Messages name the rule; loadConcerns adds the setting and the text it got.
export const text = z.string().min(1);
export const optionalText = z.string().min(1).optional();
export const numeric = (rule: string, ok: (n: number) => boolean) =>
  z.string().transform((s, ctx) => {
    const n = s.trim() === '' ? Number.NaN : Number(s);
    if (!ok(n)) ctx.addIssue({ code: 'custom', message: `must be ${rule}` });
    return n;
  });
export const int = (min = 0) => numeric(`an integer >= ${min}`, (n) => Number.isInteger(n) && n >= min);
export const positive = numeric('a positive number', (n) => Number.isFinite(n) && n > 0);
export const finite = numeric('a number', Number.isFinite);
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V) =>
  z.enum(values, { error: `must be ${values.map((v) => `'${v}'`).join(' or ')}` });
export const list = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
export const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** A refinement's issue, reported against one setting. */
export const at = (path: string, message: string) => ({ message, path: [path] });

type Member<C> = C extends readonly (infer E)[] ? E : C;

/**
 * What a function receives for some concerns, by key: `ConfigOf<typeof regionConcern | typeof tablesConcern>` or
 * `ConfigOf<typeof trackingConcerns>` (a list) is `{ region: string; tables: {...} }`.
 */
export type ConfigOf<C extends Concern | readonly Concern[]> = {
  [E in Member<C> as E['key']]: E extends Concern<string, infer T> ? T : never;
};

function parse<T>(c: Concern<string, T>, env: Env): T {
  const text = Object.fromEntries(
    c.settings.map((s) => [s.env, env[s.env] === undefined || env[s.env] === '' ? s.default : env[s.env]]),
  );
  const result = c.schema.safeParse(text);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? c.settings[0]!.env);
    const got = text[name];
    return `${name}${issue.message.startsWith(',') ? '' : ' '}${issue.message}${got === undefined ? '' : `, got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}"`}`;
  });
  throw new Error(`Configuration is invalid: ${problems.join('; ')}`);
}

/**
 * Only the concerns a function uses, parsed once per container: `loadConcerns([regionConcern, tablesConcern])` is
 * `{ region, tables }`. A concern listed twice (two groups that share it) is parsed once.
 */
export function loadConcerns<C extends Concern>(concerns: readonly C[], env: Env = process.env): ConfigOf<C> {
  const unique = [...new Map(concerns.map((c) => [c.key, c])).values()];
  return Object.fromEntries(unique.map((c) => [c.key, parse(c, env)])) as ConfigOf<C>;
}
