// fast-check properties of the intake validators on the real engines: whatever is accepted is stored and read back
// exactly (trimmed, as documented); whatever is refused gets 422 and leaves no row.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeCreate } from '#functions/intake/create.js';
import { makeHandler as makeGet } from '#functions/tracking/get.js';
import { makeHandler as makeExport } from '#functions/data-protection/gdpr-export.js';
import { freeTextProblem } from '#shared/domain/free-text.js';
import { CreateEmergencyBody } from '#shared/schemas/emergency.js';
import { DataSubjectBody } from '#functions/data-protection/schemas.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke, lambdaContext } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';

vi.setConfig({ testTimeout: 600_000 });

let stack: TestStack;
let opsToken: string;
beforeAll(async () => {
  const auth = await testAuth();
  stack = await testStack({ env: { ...auth.env, INTAKE_LIMIT_PER_PHONE_HOUR: '1000' } });
  opsToken = await auth.signer.mint('ops-prop', ['operations']);
}, 60_000);
afterAll(() => stack.close());

// Any code points at all (lone surrogates, controls, non-characters included), and realistic text.
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('\u200b', ' \u202e ', 'A\u009b', 'Bob\ud800', '\u0301'),
);
let phoneSeq = 0;
const nextPhone = () => `07700 9${String(10000 + (phoneSeq++ % 90000)).padStart(5, '0')}`;
const count = async () =>
  (await stack.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM emergency_requests')).rows[0]!.n;

describe('free-text validators', () => {
  it('accept exactly the text the free-text rules accept, unchanged but for trimming', () => {
    fc.assert(
      fc.property(anyText, (name) => {
        const parsed = CreateEmergencyBody.safeParse(emergencyBody({ customer: { name, phone: '07700 900123' } }));
        const trimmed = name.trim();
        const ok = trimmed.length >= 1 && trimmed.length <= 100 && freeTextProblem(trimmed) === undefined;
        expect(parsed.success).toBe(ok);
        if (parsed.success) expect(parsed.data.customer.name).toBe(trimmed);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trip accepted text through storage and the GDPR export unchanged; refused text leaves no row', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, anyText, async (name, makeModel, notes) => {
        const phone = nextPhone();
        const body = emergencyBody({
          customer: { name, phone },
          vehicle: { makeModel },
          notes,
          location: { lat: 51.5, lon: -0.12 },
        });
        const accepted = CreateEmergencyBody.safeParse(body).success;
        const before = await count();
        const response = await invoke(
          makeCreate(stack.deps),
          apiEvent({ method: 'POST', path: '/emergencies', body }),
          lambdaContext('prop', 60_000),
        );
        if (!accepted) {
          expect(response.status).toBe(422);
          expect(await count()).toBe(before);
          return;
        }
        expect(response.status).toBe(201);
        const stored = await stack.deps.requests.findById(response.body.id as string);
        expect(stored).toMatchObject({
          customerName: name.trim(),
          vehicleMakeModel: makeModel.trim(),
          notes: notes.trim(),
        });
        const exported = await invoke(
          makeExport(stack.deps),
          apiEvent({ method: 'POST', path: '/ops/gdpr/export', headers: bearer(opsToken), body: { phone } }),
          lambdaContext('prop', 60_000),
        );
        expect(exported.body.requests).toEqual([
          expect.objectContaining({
            customerName: name.trim(),
            vehicle: { makeModel: makeModel.trim(), registration: 'AB12CDE' },
            notes: notes.trim(),
          }),
        ]);
        await stack.deps.requests.transition(response.body.id as string, 'cancel', new Date());
      }),
      { numRuns: 25 },
    );
  });
});

describe('phone validator', () => {
  it('refuses numbers libphonenumber calls valid but that are too short for E.164 (found by the property below)', () => {
    for (const phone of ['+989-00 0)', '+98 9000'])
      expect(DataSubjectBody.safeParse({ phone }).success, phone).toBe(false);
    expect(DataSubjectBody.safeParse({ phone: '+98 912 345 6789' }).data).toEqual({ phone: '+989123456789' });
  });

  it('accepts only phone characters, and every accepted number is E.164', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.stringMatching(/^\+?[0-9 ()-]{6,16}$/)),
        (phone) => {
          const parsed = DataSubjectBody.safeParse({ phone });
          if (parsed.success) {
            expect(phone).toMatch(/^[0-9+()\-. ]*$/);
            expect(parsed.data.phone).toMatch(/^\+[1-9][0-9]{6,14}$/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('location validator', () => {
  // Mostly points in and around the UK and Ireland, some anywhere at all; -0 is sent as 0 (JSON has no -0).
  const coordinate = (near: [number, number], anywhere: [number, number]) =>
    fc
      .oneof(
        fc.double({ min: near[0], max: near[1], noNaN: true }),
        fc.double({ min: anywhere[0], max: anywhere[1], noNaN: true }),
      )
      .map((v) => (Object.is(v, -0) ? 0 : v));

  it('round-trips accepted coordinates unchanged through storage and GET /emergencies/{id}; refused ones leave no row', async () => {
    await fc.assert(
      fc.asyncProperty(coordinate([49, 61.5], [-100, 100]), coordinate([-11, 2.5], [-200, 200]), async (lat, lon) => {
        const body = emergencyBody({ customer: { name: 'Geo Property', phone: nextPhone() }, location: { lat, lon } });
        const accepted = CreateEmergencyBody.safeParse(body).success;
        const before = await count();
        const created = await invoke(
          makeCreate(stack.deps),
          apiEvent({ method: 'POST', path: '/emergencies', body }),
          lambdaContext('prop', 60_000),
        );
        if (!accepted) {
          expect(created.status).toBe(422);
          expect(await count()).toBe(before);
          return;
        }
        expect(created.status).toBe(201);
        const id = created.body.id as string;
        const read = await invoke(
          makeGet(stack.deps),
          apiEvent({
            method: 'GET',
            path: `/emergencies/${id}`,
            resource: '/emergencies/{id}',
            pathParameters: { id },
            headers: { 'X-Tracking-Token': created.body.trackingToken as string },
          }),
          lambdaContext('prop', 60_000),
        );
        expect(read.status).toBe(200);
        expect(read.body.location).toEqual({ lat, lon });
        await stack.deps.requests.transition(id, 'cancel', new Date());
      }),
      { numRuns: 40 },
    );
  });
});
