// The contract check every test response goes through: its route, status, headers, content type and body must be the
// ones the served OpenAPI document declares (ajv, JSON Schema draft 2020-12, with formats).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { openApiDocument } from '#functions/platform/api-document.js';

export interface ObservedResponse {
  method: string;
  /** The request path as sent, e.g. /emergencies/6f1c…/cancel (no stage prefix, no query). */
  path: string;
  status: number;
  headers: Record<string, string | number | boolean | undefined>;
  /** The raw body; '' when there is none. */
  body: string;
}

// Sent with every response and described once in info.description, not per response.
const commonHeaders = new Set([
  'content-type',
  'content-length',
  'accept-ranges',
  'content-encoding',
  'transfer-encoding',
  'vary',
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'content-security-policy',
  'referrer-policy',
  'cache-control',
  'date',
  'connection',
  'keep-alive',
  'x-amzn-requestid',
  'x-amz-apigw-id',
  'x-amzn-trace-id',
]);
const isCommonHeader = (name: string) => commonHeaders.has(name) || name.startsWith('access-control-');

interface HeaderObject {
  required?: boolean;
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, { schema: object }>;
  headers?: Record<string, HeaderObject | { $ref: string }>;
}
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { headers?: Record<string, HeaderObject> };
}

const documentId = 'urn:tyrehero:openapi';
const pointer = (...segments: string[]) =>
  segments.map((s) => `/${encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');

// ajv-formats is CommonJS with a default export: under ESM interop the plugin is module.default (or its .default).
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const formatsModule = ajvFormats as unknown as { default: FormatsPlugin | { default: FormatsPlugin } };
const addFormats: FormatsPlugin =
  typeof formatsModule.default === 'function' ? formatsModule.default : formatsModule.default.default;

class Contract {
  readonly document = openApiDocument() as unknown as Document;
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ template: string; pattern: RegExp }>;

  constructor() {
    addFormats(this.ajv);
    // The document's own members are not JSON Schema keywords; everything under components.schemas is checked strictly.
    for (const member of Object.keys(this.document))
      if (!['$schema', '$id'].includes(member)) this.ajv.addKeyword(member);
    this.ajv.addSchema(this.document, documentId);
    // Literal paths before templated ones, so /ops/queue never matches a {parameter}.
    this.templates = Object.keys(this.document.paths)
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
      }));
  }

  routeFor(path: string): string | undefined {
    return this.templates.find(({ pattern }) => pattern.test(path))?.template;
  }

  private validator(...segments: string[]): ValidateFunction {
    const key = segments.join('\u0000');
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${documentId}#${pointer(...segments)}` });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Every way the response departs from the document; empty when it conforms. */
  problems(response: ObservedResponse): string[] {
    const method = response.method.toLowerCase();
    const template = this.routeFor(response.path.split('?')[0]!);
    if (!template) return [`${response.method} ${response.path} matches no path in the OpenAPI document`];
    const operation = this.document.paths[template]![method];
    if (!operation) return [`${response.method} ${template} is not in the OpenAPI document`];
    const status = String(response.status);
    const statusKey = [status, `${status[0]}XX`, 'default'].find((key) => key in operation.responses);
    if (!statusKey)
      return [
        `${response.method} ${template} answered ${status}, which the OpenAPI document does not list (it lists ${Object.keys(operation.responses).join(', ')})`,
      ];
    const documented = operation.responses[statusKey]!;
    const where = `${response.method} ${template} ${status}`;
    const found: string[] = [];

    const headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name.toLowerCase(),
        value === undefined ? undefined : String(value),
      ]),
    );
    // name (lower case) → where its schema sits in the document, following a $ref into components.headers.
    const declared = new Map(
      Object.entries(documented.headers ?? {}).map(([name, header]) => {
        const refName = '$ref' in header ? header.$ref.split('/').pop()! : undefined;
        const resolved = refName ? this.document.components.headers![refName]! : (header as HeaderObject);
        const schemaAt = refName
          ? ['components', 'headers', refName, 'schema']
          : ['paths', template, method, 'responses', statusKey, 'headers', name, 'schema'];
        return [name.toLowerCase(), { required: resolved.required === true, schemaAt }] as const;
      }),
    );
    for (const [name, { required }] of declared) {
      if (required && headers[name] === undefined)
        found.push(`${where}: header ${name} is declared required but was not sent`);
    }
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || isCommonHeader(name)) continue;
      const entry = declared.get(name);
      if (!entry) {
        found.push(`${where}: header ${name} is sent but not declared`);
        continue;
      }
      const validate = this.validator(...entry.schemaAt);
      if (!validate(value)) found.push(`${where}: header ${name}: ${this.ajv.errorsText(validate.errors)}`);
    }

    const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (response.body === '') {
      if (documented.content && Object.keys(documented.content).length > 0)
        found.push(`${where}: no body, but the document declares ${Object.keys(documented.content).join(', ')}`);
      return found;
    }
    if (!documented.content) return [...found, `${where}: a body was sent, but the document declares none`];
    if (!contentType || !(contentType in documented.content))
      return [
        ...found,
        `${where}: content type ${contentType ?? '(none)'} is not one of ${Object.keys(documented.content).join(', ')}`,
      ];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [...found, `${where}: the ${contentType} body is not JSON`];
    }
    const validate = this.validator(
      'paths',
      template,
      method,
      'responses',
      statusKey,
      'content',
      contentType,
      'schema',
    );
    if (!validate(body))
      found.push(
        `${where}: body does not match the document: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}\n  body: ${response.body.slice(0, 600)}`,
      );
    return found;
  }
}

let contract: Contract | undefined;
export const theContract = (): Contract => (contract ??= new Contract());

/** Throws, failing the calling test, when a response is not what the OpenAPI document promises. */
export function assertMatchesContract(response: ObservedResponse): void {
  const problems = theContract().problems(response);
  if (problems.length > 0) throw new Error(`Response does not match the OpenAPI contract:\n- ${problems.join('\n- ')}`);
}
