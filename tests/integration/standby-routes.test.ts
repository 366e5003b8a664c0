// The GDPR routes and /ops/health through their own composition roots, in the standby region of a pair: they refuse
// before they read or change anything (503 + Retry-After, as every state route does), and serve once the record names
// their region. The other routes' refusals are tests/integration/active-region.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emergencyBody } from '../fixtures/emergencies.js';
import { bearer, testAuth } from '../support/auth.js';
import { apiEvent, invoke } from '../support/events.js';
import { testStack, type TestStack } from '../support/stack.js';
import type { LocalSigner } from '../../scripts/local/auth.js';

let stack: TestStack;
let signer: LocalSigner;
// These functions run in eu-west-1, the pair's secondary; the record decides where the service is.
const here = 'eu-west-1';
const phone = '+447700900151';
const flip = (region: string) =>
  stack.deps.activeRegion.write({ region, since: new Date(), by: 'standby-routes.test' });

beforeAll(async () => {
  const auth = await testAuth();
  signer = auth.signer;
  stack = await testStack({ env: auth.env });
  // As Lambda gives them their environment in eu-west-1; the record is read on every request (no cache to wait out).
  for (const [name, value] of Object.entries({
    ...stack.env,
    AWS_REGION: here,
    ACTIVE_REGION_DEFAULT: 'eu-west-2',
    ACTIVE_REGION_CACHE_MS: '0',
  }))
    vi.stubEnv(name, value);
  vi.resetModules();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack.close();
});

const ops = async () => bearer(await signer.mint('ops-standby', ['operations']));
const routes = async () => ({
  exportData: (await import('#functions/data-protection/gdpr-export.js')).handler,
  erase: (await import('#functions/data-protection/gdpr-erase.js')).handler,
  opsHealth: (await import('#functions/platform/ops-health.js')).handler,
});
const call = async (name: 'exportData' | 'erase' | 'opsHealth') => {
  const handler = (await routes())[name];
  const headers = await ops();
  return name === 'opsHealth'
    ? invoke(handler, apiEvent({ method: 'GET', path: '/ops/health', headers }))
    : invoke<{ requests?: Array<{ id: string }> }>(
        handler,
        apiEvent({
          method: 'POST',
          path: `/ops/gdpr/${name === 'erase' ? 'erase' : 'export'}`,
          headers,
          body: { phone },
        }),
      );
};
const customerName = async (id: string) =>
  (await stack.sql.query<{ customer_name: string }>('SELECT customer_name FROM emergency_requests WHERE id = $1', [id]))
    .rows[0]!.customer_name;

describe('GDPR and /ops/health in the standby region', () => {
  let id: string;

  it('refuse with 503 and Retry-After before reading or erasing anything, and serve once the record names this region', async () => {
    // A customer's request, taken while this region served.
    await flip(here);
    const { handler: create } = await import('#functions/intake/create.js');
    const created = await invoke<{ id: string }>(
      create,
      apiEvent({
        method: 'POST',
        path: '/emergencies',
        body: emergencyBody({ customer: { name: 'Standby Customer', phone } }),
      }),
    );
    expect(created.status).toBe(201);
    id = created.body.id;
    // Cancelled, so nothing but the guard stands between an erase and its data.
    await stack.sql.query(`UPDATE emergency_requests SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [
      id,
    ]);

    await flip('eu-west-2');
    for (const name of ['exportData', 'erase', 'opsHealth'] as const) {
      const refused = await call(name);
      expect(refused.status, name).toBe(503);
      expect(refused.headers['Retry-After'] ?? refused.headers['retry-after'], name).toBe('5');
      expect(refused.headers['Content-Type'] ?? refused.headers['content-type'], name).toBe('application/problem+json');
    }
    expect(await customerName(id)).toBe('Standby Customer');

    await flip(here);
    const exported = await call('exportData');
    expect(exported.status).toBe(200);
    expect((exported.body as { requests: Array<{ id: string }> }).requests.map((r) => r.id)).toEqual([id]);
    expect((await call('opsHealth')).status).toBe(200);
    expect((await call('erase')).status).toBe(200);
    expect(await customerName(id)).not.toBe('Standby Customer');
  });
});
