// The served OpenAPI document is valid OpenAPI 3.1 for third-party validators, and the contract check catches drift.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { validate as readmeValidate } from '@readme/openapi-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';
import { openApiDocument } from '#functions/platform/api-document.js';
import { theContract, type ObservedResponse } from '../support/contract.js';

const document = openApiDocument();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-openapi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const refsIn = (value: unknown): string[] =>
  value && typeof value === 'object'
    ? Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)))
    : [];

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for @seriousme/openapi-schema-validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('is valid for @readme/openapi-parser, every $ref resolved', async () => {
    const result = await readmeValidate(structuredClone(document) as Parameters<typeof readmeValidate>[0]);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('passes Redocly CLI lint with no errors', async () => {
    const file = path.join(scratch, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = promisify(execFile);
    const { stderr } = await run(
      process.execPath,
      [path.join(projectRoot, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format', 'stylish'],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`redocly lint failed:\n${error.stdout}\n${error.stderr}`);
    });
    expect(stderr).toMatch(/valid/i);
  }, 60_000);

  it('keeps named schemas in components.schemas and every $ref pointing at one that exists', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/(schemas|headers)\/[\w-]+$/);
      const [, kind, name] = ref.split('/').slice(1);
      expect(document.components[kind as 'schemas' | 'headers'], ref).toHaveProperty(name!);
    }
    expect(JSON.stringify(document)).not.toContain('$defs');
  });

  it('documents a status, a body schema and the gateway answers for every operation', () => {
    for (const [route, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>,
      )) {
        expect(Object.keys(operation.responses), `${method} ${route}`).toEqual(
          expect.arrayContaining(['413', '429', '500']),
        );
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [type, media] of Object.entries(response.content ?? {}))
            expect(media.schema, `${method} ${route} ${status} ${type}`).toBeDefined();
        }
      }
    }
  });
});

describe('the contract check that every test response goes through', () => {
  const created = (
    (document.paths['/emergencies'] as { post: { responses: unknown } }).post.responses as Record<
      string,
      { headers?: object }
    >
  )['201']!;
  const body = {
    id: '6f1c1d2e-0000-4000-8000-000000000001',
    reference: 'TH-7K3Q9P',
    status: 'assigned',
    priority: 2,
    trackingToken: 'token',
    slaDeadline: '2026-01-14T15:30:00.000Z',
    createdAt: '2026-01-14T14:00:00.000Z',
    slaAtRisk: false,
  };
  const conforming: ObservedResponse = {
    method: 'POST',
    path: '/emergencies',
    status: 201,
    headers: { 'content-type': 'application/json', location: `/emergencies/${body.id}`, 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
  const problems = (changes: Partial<ObservedResponse>) => theContract().problems({ ...conforming, ...changes });

  it('accepts a response the document describes', () => {
    expect(created.headers).toHaveProperty('Location');
    expect(problems({})).toEqual([]);
  });

  it.each<[string, Partial<ObservedResponse>, RegExp]>([
    ['an undocumented status', { status: 418 }, /answered 418, which the OpenAPI document does not list/],
    ['an undocumented route', { path: '/emergencies/x/escalate' }, /matches no path/],
    ['an undocumented method', { method: 'DELETE' }, /DELETE \/emergencies is not in the OpenAPI document/],
    [
      'a body member the schema does not have',
      { body: JSON.stringify({ ...body, secret: 1 }) },
      /must NOT have additional properties/,
    ],
    [
      'a required member missing',
      { body: JSON.stringify({ ...body, trackingToken: undefined }) },
      /must have required property 'trackingToken'/,
    ],
    ['a member of the wrong format', { body: JSON.stringify({ ...body, createdAt: 'yesterday' }) }, /createdAt/],
    [
      'an undeclared content type',
      { headers: { ...conforming.headers, 'content-type': 'text/plain' } },
      /content type text\/plain is not one of application\/json/,
    ],
    [
      'an undeclared header',
      { headers: { ...conforming.headers, 'x-debug': 'on' } },
      /header x-debug is sent but not declared/,
    ],
    [
      'a declared required header missing',
      { headers: { 'content-type': 'application/json' } },
      /header location is declared required but was not sent/,
    ],
    [
      'a problem with an undocumented extension member',
      {
        status: 409,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ type: 't', title: 'Conflict', status: 409, detail: 'd', currentStatus: 'pending' }),
      },
      /must match exactly one schema in oneOf/,
    ],
  ])('rejects %s', (_, change, message) => {
    expect(problems(change).join('\n')).toMatch(message);
  });
});
