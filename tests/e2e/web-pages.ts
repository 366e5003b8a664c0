// Real-browser tests of the two pages, run by tests/e2e/local-stack.test.ts on its own `npm start` (a second stack
// beside it would double the suite's load): Debian's Chromium driven by playwright-core, axe-core for accessibility,
// screenshots in .test-results/. They fail when a page is broken: a script error, a missing element, a status or
// marker the API does not report, or a serious accessibility violation.
import { visitingTechnician } from '#shared/domain/technician.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../scripts/local/engines.js';
import { emergencyBody } from '../fixtures/emergencies.js';
import { assertMatchesContract } from '../support/contract.js';

/** The running `npm start` the pages are tested on. */
export interface StackUnderTest {
  base: string;
  /** Everything npm start has printed so far. */
  output: () => string;
  /** Its LOCAL_DATA_DIR, where `npm run token` finds the local signing key. */
  dataDir: string;
  pgPort: number;
  /** serverless-offline's Lambda API: runs a scheduled function now rather than at its next minute. */
  lambdaPort: number;
}

const chromiumPath = '/usr/bin/chromium';
const results = path.join(projectRoot, '.test-results');
let stack: StackUnderTest;
let base: string;
let browser: Browser;
/** The stack's own PostgreSQL, for what the API does not show (the audit columns). */
let sql: pg.Pool;

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, ms: number) {
  await vi.waitFor(
    async () => {
      if (!(await predicate()))
        throw new Error(`timed out waiting for ${what}; output so far:\n${stack.output().slice(-3000)}`);
    },
    { timeout: ms, interval: 250 },
  );
}

const token = (role: string, subject: string) =>
  execFileSync(
    process.execPath,
    [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/token.ts', role, subject],
    { cwd: projectRoot, env: { ...process.env, LOCAL_DATA_DIR: stack.dataDir }, encoding: 'utf8' },
  ).trim();

/** An API call, checked against the OpenAPI contract like every other test's. */
async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assertMatchesContract({
    method,
    path: route,
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: text,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, navigated by the assertions
  const parsed: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, body: parsed };
}

/** axe-core in the page: the serious and critical violations, by rule and where. */
async function seriousViolations(page: Page) {
  // Evaluated through the DevTools protocol rather than a <script> tag: the pages' CSP rightly refuses inline scripts.
  await page.evaluate(`${readFileSync(path.join(projectRoot, 'node_modules/axe-core/axe.min.js'), 'utf8')}; undefined`);
  // Written as a string: this file is compiled for Node, without the DOM's types.
  const violations = await page.evaluate<Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>>(
    'axe.run(document).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A fresh tab that records every script error and failed load, and every byte it received. */
async function openPage(url: string, viewport = { width: 390, height: 844 }) {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const received: number[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on(
    'requestfinished',
    (request) => void request.sizes().then((s) => received.push(s.responseBodySize + s.responseHeadersSize)),
  );
  await page.goto(url);
  return { page, errors, received };
}

/** Registers the browser tests; `running` is read once the stack is up (in beforeAll). */
/**
 * A request the intake left pending for the batched window: runs the window (redispatch, through serverless-offline's
 * Lambda API, as its schedule would within the minute) and returns who it assigned, as the intake would have.
 */
async function assignedByWindow(job: { id: string; estimate?: unknown }) {
  expect(job.estimate, 'a pending answer with an estimate: a van can make it, the window decides who').toBeTruthy();
  const ran = await fetch(
    `http://localhost:${stack.lambdaPort}/2015-03-31/functions/tyrehero-dispatch-local-redispatch/invocations`,
    { method: 'POST', body: '{}' },
  );
  expect(ran.status).toBe(200);
  const { rows } = await sql.query<{ id: string; name: string; van: string }>(
    `SELECT t.id, t.name, t.van FROM emergency_requests r JOIN technicians t ON t.id = r.technician_id WHERE r.id = $1 AND r.status = 'assigned'`,
    [job.id],
  );
  return rows[0] ? { id: rows[0].id, ...visitingTechnician(rows[0]) } : undefined;
}

export function describeWebPages(running: () => StackUnderTest): void {
  describe('web pages in Chromium', () => {
    beforeAll(async () => {
      if (!existsSync(chromiumPath))
        throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does this)`);
      mkdirSync(results, { recursive: true });
      stack = running();
      base = stack.base;
      sql = new pg.Pool({
        connectionString: `postgres://postgres:tyrehero-local@127.0.0.1:${stack.pgPort}/tyrehero`,
        max: 1,
      });
      browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      // npm start prints the ops view's address once its demo emergency is made.
      await waitFor(() => stack.output().includes(`${base}/ops/live`), 'npm start to print the ops live view', 60_000);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await sql?.end();
    });

    describe('customer tracking page', () => {
      it('opens the demo tracking link npm start prints: the token in the fragment reads the request', async () => {
        const link = new RegExp(`${base}/t/(TH-[2-9A-Z]{6})#([A-Za-z0-9_-]{32})`).exec(stack.output());
        expect(link, 'npm start prints a tracking link').not.toBeNull();
        const { page, errors } = await openPage(link![0]);
        await waitFor(
          async () =>
            (await page.locator('#view').isVisible()) && (await page.locator('#reference').textContent()) === link![1],
          'the demo request on the page',
          20_000,
        );
        expect(await page.locator('#error').isHidden()).toBe(true);
        expect(errors).toEqual([]);
        await page.close();
      }, 60_000);

      it('follows a job through its lifecycle, shows the arrival code the technician needs, and stores the rating', async () => {
        const created = await call('POST', '/emergencies', emergencyBody({ location: { lat: 51.88, lon: -0.42 } }));
        expect(created.status).toBe(201);
        const job = created.body as {
          id: string;
          reference: string;
          trackingToken: string;
          technician?: { id: string; firstName: string; van: string };
          estimate?: unknown;
        };
        // Supply is short near London after the burst above, so the batched policy may leave it for the next window
        // (redispatch, every minute): the answer then carries an estimate, and the window is run now.
        const technician = job.technician ?? (await assignedByWindow(job));
        expect(technician, 'the demo fleet has someone near Luton').toBeDefined();
        if (!technician) return;
        const asTechnician = { Authorization: `Bearer ${token('technician', technician.id)}` };
        const asCustomer = { 'X-Tracking-Token': job.trackingToken };

        const { page, errors, received } = await openPage(`${base}/t/${job.reference}#${job.trackingToken}`);
        const words = page.locator('#status-words');
        // The page polls every 12 s; a tab coming back into view refreshes at once, which is what these steps use.
        const refreshed = () => page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
        const shows = async (text: string) => {
          await waitFor(async () => (await words.textContent()) === text, `"${text}"`, 15_000).catch(
            async (error: unknown) => {
              throw new Error(`the page says "${await words.textContent()}", not "${text}"`, { cause: error });
            },
          );
        };

        await shows(`${technician.firstName} is getting ready to come to you`);
        expect(await page.locator('#who').textContent()).toBe(`${technician.firstName} · ${technician.van}`);
        const code = await page.locator('#arrival-code').textContent();
        expect(code).toBe((await call('GET', `/emergencies/${job.id}`, undefined, asCustomer)).body.arrivalCode);
        expect(await page.locator('.leaflet-container').count()).toBe(1);
        expect(await page.locator('.van-marker').count()).toBe(0);
        const transferred = received.reduce((a, b) => a + b, 0);
        console.log(`tracking page: ${(transferred / 1024).toFixed(1)} KiB transferred on first load`);
        expect(transferred, 'bytes transferred for the page').toBeLessThan(100 * 1024);
        expect(await seriousViolations(page)).toEqual([]);

        expect((await call('POST', `/jobs/${job.id}/accept`, undefined, asTechnician)).status).toBe(200);
        expect(
          (
            await call(
              'PUT',
              `/technicians/${technician.id}/location`,
              { lat: 51.95, lon: -0.45, recordedAt: new Date().toISOString() },
              asTechnician,
            )
          ).status,
        ).toBe(200);
        expect((await call('POST', `/jobs/${job.id}/en-route`, undefined, asTechnician)).status).toBe(200);
        await refreshed();
        await shows(`${technician.firstName} is on the way`);
        // The van's marker is drawn where the API says the van is.
        const enRoute = (await call('GET', `/emergencies/${job.id}`, undefined, asCustomer)).body;
        expect(enRoute.technicianLocation).toBeDefined();
        await waitFor(async () => (await page.locator('.van-marker').count()) === 1, 'the van on the map', 10_000);
        expect(await page.locator('#map').getAttribute('data-van')).toBe(
          `${enRoute.technicianLocation.lat},${enRoute.technicianLocation.lon}`,
        );
        expect(await page.locator('#eta').textContent()).toMatch(/^Expected by \d\d:\d\d \(about \d+ min\)$/);
        await page.screenshot({ path: path.join(results, 'tracking-page.png'), fullPage: true });

        // At the breakdown. The demo fleet re-reports its vans every 30 s, so an arrival can race one report: try again.
        await waitFor(
          async () => {
            await call(
              'PUT',
              `/technicians/${technician.id}/location`,
              { lat: 51.8801, lon: -0.4201, recordedAt: new Date().toISOString() },
              asTechnician,
            );
            return (await call('POST', `/jobs/${job.id}/arrived`, undefined, asTechnician)).status === 200;
          },
          'the arrival to be accepted',
          15_000,
        );
        await refreshed();
        await shows(`${technician.firstName} has arrived`);
        expect(await page.locator('.van-marker').count()).toBe(0);
        expect(await page.locator('#arrival-code').textContent()).toBe(code);

        expect((await call('POST', `/jobs/${job.id}/complete`, { arrivalCode: code }, asTechnician)).status).toBe(200);
        await refreshed();
        await shows('Job done. Drive safely');
        expect(await page.locator('#code-box').isHidden()).toBe(true);
        expect(await page.locator('#actions').isHidden()).toBe(true);
        await page.locator('label[for="s4"]').click();
        await page.locator('#comment').fill('Quick and friendly');
        await page.locator('#rating button[type="submit"]').click();
        await waitFor(
          async () => (await page.locator('#thanks').textContent()) === 'Thank you for rating us 4 out of 5.',
          'the thanks',
          15_000,
        );
        expect((await call('GET', `/emergencies/${job.id}`, undefined, asCustomer)).body.rating).toEqual({
          score: 4,
          comment: 'Quick and friendly',
        });
        await page.screenshot({ path: path.join(results, 'tracking-page-rated.png'), fullPage: true });
        expect(await seriousViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 120_000);

      it('cancels only after the driver confirms', async () => {
        const created = await call('POST', '/emergencies', emergencyBody({ location: { lat: 53.48, lon: -2.24 } }));
        expect(created.status).toBe(201);
        const { page, errors } = await openPage(`${base}/t/${created.body.reference}#${created.body.trackingToken}`);
        await waitFor(() => page.locator('#cancel').isVisible(), 'the cancel button', 15_000);
        await page.locator('#cancel').click();
        await page.locator('#confirm-no').click();
        expect(
          (
            await call('GET', `/emergencies/${created.body.id}`, undefined, {
              'X-Tracking-Token': created.body.trackingToken,
            })
          ).body.status,
        ).not.toBe('cancelled');
        await page.locator('#cancel').click();
        await page.locator('#confirm-yes').click();
        await waitFor(
          async () => (await page.locator('#status-words').textContent()) === 'This request is cancelled',
          'the cancelled status',
          15_000,
        );
        expect(
          (
            await call('GET', `/emergencies/${created.body.id}`, undefined, {
              'X-Tracking-Token': created.body.trackingToken,
            })
          ).body.status,
        ).toBe('cancelled');
        expect(errors).toEqual([]);
        await page.close();
      }, 60_000);

      it('tells a driver with a broken link what to do, including calling 999 in danger', async () => {
        const { page } = await openPage(`${base}/t/TH-ABCDEF#not-a-real-token`);
        await waitFor(
          async () =>
            /cannot find this request.*If you are in danger, call 999/s.test(
              (await page.locator('#error').textContent()) ?? '',
            ),
          'the error',
          15_000,
        );
        expect(await page.locator('#view').isHidden()).toBe(true);
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(results, 'tracking-page-unknown-link.png') });
        await page.close();
      }, 60_000);
    });

    describe('operations live view', () => {
      /** The class names of what the page drew: `technician-<status> id-<id>` and `request-<risk> ref-<reference>`. */
      const drawn = (page: Page, selector: string) =>
        page.evaluate<string[]>(
          `[...document.querySelectorAll('${selector}')].map((e) => e.getAttribute('class')).sort()`,
        );
      const sameSet = (a: string[], b: string[]) =>
        a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

      it('signs in with an npm run token token, draws what the API reports, and shows a new request within seconds', async () => {
        const opsToken = token('operations', 'ops-e2e');
        const asOperations = { Authorization: `Bearer ${opsToken}` };
        const { page, errors, received } = await openPage(`${base}/ops/live`, { width: 1280, height: 800 });
        await waitFor(() => page.locator('#token').isVisible(), 'the sign-in form', 15_000);
        console.log(
          `operations live view: ${(received.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} KiB transferred on first load`,
        );
        await page.locator('#token').fill(opsToken);
        await page.locator('#token-form button').click();
        await waitFor(() => page.locator('#live').isVisible(), 'the live view', 20_000);

        // Every technician and open request the API reports, in the state it reports (the page refreshes every 5 s).
        const expected = async () => {
          const live = (await call('GET', '/ops/live-map', undefined, asOperations)).body as {
            technicians: Array<{ id: string; status: string }>;
            requests: Array<{ reference: string; risk: string }>;
          };
          return {
            technicians: live.technicians.map((t) => `technician-${t.status} id-${t.id}`),
            requests: live.requests.map((r) => `request-${r.risk} ref-${r.reference}`),
          };
        };
        const markers = async () => ({
          technicians: (await drawn(page, '.technician-marker')).map((c) => /technician-\S+ id-\S+/.exec(c)![0]),
          requests: (await drawn(page, '.request-marker')).map((c) => /request-\S+ ref-\S+/.exec(c)![0]),
        });
        await waitFor(
          async () => {
            const [api, shown] = await Promise.all([expected(), markers()]);
            return (
              api.technicians.length > 0 &&
              sameSet(api.technicians, shown.technicians) &&
              sameSet(api.requests, shown.requests)
            );
          },
          'the markers to equal what GET /ops/live-map reports',
          30_000,
        );

        const created = await call('POST', '/emergencies', emergencyBody({ location: { lat: 53.8, lon: -1.55 } }));
        expect(created.status).toBe(201);
        await waitFor(
          async () => (await page.locator(`.request-marker.ref-${created.body.reference}`).count()) === 1,
          'the new request on the map',
          20_000,
        );
        await waitFor(
          async () => (await page.locator(`button.request[data-reference="${created.body.reference}"]`).count()) === 1,
          'the new request in the list',
          10_000,
        );

        // A dispatcher cancels it from the list, giving a reason: the API and the audit columns say so, and it leaves the map.
        const reason = 'Customer rang back: a passer-by changed the wheel';
        await page.locator(`button.request[data-reference="${created.body.reference}"]`).click();
        await waitFor(() => page.locator('#act').isVisible(), 'the action dialog', 5_000);
        await page.locator('#act-reason').fill(reason);
        await page.locator('#act-cancel').click();
        await waitFor(
          async () =>
            (await page.locator('#notice').textContent()) === `${created.body.reference} cancelled. Reason recorded.`,
          'the cancellation notice',
          15_000,
        );
        expect(
          (
            await call('GET', `/emergencies/${created.body.id}`, undefined, {
              'X-Tracking-Token': created.body.trackingToken,
            })
          ).body.status,
        ).toBe('cancelled');
        expect(
          (
            await sql.query('SELECT cancellation_reason, cancelled_by FROM emergency_requests WHERE id = $1', [
              created.body.id,
            ])
          ).rows[0],
        ).toEqual({ cancellation_reason: reason, cancelled_by: 'ops-e2e' });
        await waitFor(
          async () => (await page.locator(`.request-marker.ref-${created.body.reference}`).count()) === 0,
          'the cancelled request to leave the map',
          15_000,
        );

        // And takes an assigned request off its technician: someone else gets it, or it waits for redispatch.
        const assigned = await call('POST', '/emergencies', emergencyBody({ location: { lat: 53.48, lon: -2.24 } }));
        expect(assigned.body.status).toBe('assigned');
        await waitFor(
          async () => (await page.locator(`button.request[data-reference="${assigned.body.reference}"]`).count()) === 1,
          'the assigned request in the list',
          15_000,
        );
        await page.locator(`button.request[data-reference="${assigned.body.reference}"]`).click();
        await page.locator('#act-reason').fill('Van broke down on the way');
        await page.locator('#act-reassign').click();
        await waitFor(
          async () => (await page.locator('#notice').textContent())?.startsWith(`${assigned.body.reference} `) ?? false,
          'the reassignment notice',
          15_000,
        );
        const after = (
          await call('GET', `/emergencies/${assigned.body.id}`, undefined, {
            'X-Tracking-Token': assigned.body.trackingToken,
          })
        ).body as { status: string; technicianId?: string };
        expect(after.technicianId).not.toBe(assigned.body.technician.id);
        expect(
          (
            await sql.query('SELECT reassignment_reason, reassigned_by FROM emergency_requests WHERE id = $1', [
              assigned.body.id,
            ])
          ).rows[0],
        ).toEqual({ reassignment_reason: 'Van broke down on the way', reassigned_by: 'ops-e2e' });

        // The queue and the incident beside the map are the operations figures.
        const metrics = (await call('GET', '/ops/metrics', undefined, asOperations)).body as {
          severity: { severity: string };
        };
        expect(await page.locator('#severity').textContent()).toMatch(/^P[1-4]$/);
        expect(await page.locator('#severity-reasons').textContent()).toMatch(new RegExp(`^P[1-4]: `));
        expect(metrics.severity.severity).toMatch(/^P[1-4]$/);
        expect(await page.locator('#pending').textContent()).toMatch(/^\d+$/);
        expect(await page.locator('#weather').textContent()).toMatch(/^(normal|elevated|severe)$/);
        await page.screenshot({ path: path.join(results, 'ops-live.png') });
        expect(await seriousViolations(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }, 120_000);
      it('signs in through the hosted sign-in where a stage sets one: authorization code with PKCE, state checked, code off the address bar', async () => {
        const opsToken = token('operations', 'ops-hosted');
        const authority = 'https://auth.example.test';
        const authorizeUrl = `${authority}/oauth2/authorize?client_id=page-client&response_type=code&scope=openid+email+aws.cognito.signin.user.admin&redirect_uri=${encodeURIComponent(`${base}/ops/live`)}`;
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        // The page as the pages function serves it on a stage with OPS_SIGN_IN_URL (tests/unit/pages-serve.test.ts checks
        // that header and meta tag against the function itself).
        await page.route(
          (url) => url.origin === base && url.pathname === '/ops/live',
          async (route) => {
            const served = await route.fetch();
            const headers = { ...served.headers() };
            delete headers['content-encoding'];
            delete headers['content-length'];
            headers['content-security-policy'] = headers['content-security-policy']!.replace(
              "connect-src 'self'",
              `connect-src 'self' ${authority}`,
            );
            const html = (await served.text()).replace(
              '<meta name="ops-sign-in-url" content="">',
              `<meta name="ops-sign-in-url" content="${authorizeUrl.replace(/&/g, '&amp;')}">`,
            );
            await route.fulfill({ status: served.status(), headers, body: html });
          },
        );
        // A stand-in for Cognito's hosted sign-in: authorize answers with a code, the token endpoint with the token.
        const seen: { authorize?: URLSearchParams; token?: URLSearchParams } = {};
        await page.route(`${authority}/**`, async (route) => {
          const url = new URL(route.request().url());
          if (url.pathname === '/oauth2/authorize') {
            seen.authorize = url.searchParams;
            // Back to the page as Cognito sends people back (a 302 fulfilled here would skip the page's own route).
            const back = `${base}/ops/live?code=one-time-code&state=${url.searchParams.get('state')}`;
            return route.fulfill({
              status: 200,
              contentType: 'text/html',
              body: `<script>location.replace(${JSON.stringify(back)})</script>`,
            });
          }
          if (url.pathname === '/oauth2/token' && route.request().method() === 'POST') {
            seen.token = new URLSearchParams(route.request().postData() ?? '');
            return route.fulfill({
              status: 200,
              contentType: 'application/json',
              headers: { 'access-control-allow-origin': base },
              body: JSON.stringify({ access_token: opsToken, token_type: 'Bearer', expires_in: 3600 }),
            });
          }
          return route.fulfill({ status: 404 });
        });

        await page.goto(`${base}/ops/live`);
        await waitFor(() => page.locator('#live').isVisible(), 'the live view after the hosted sign-in', 20_000);
        expect(await page.evaluate<string>('location.href')).toBe(`${base}/ops/live`);
        expect(seen.authorize?.get('client_id')).toBe('page-client');
        expect(seen.authorize?.get('code_challenge_method')).toBe('S256');
        expect(Object.fromEntries(seen.token ?? [])).toMatchObject({
          grant_type: 'authorization_code',
          client_id: 'page-client',
          code: 'one-time-code',
          redirect_uri: `${base}/ops/live`,
        });
        // PKCE: the verifier sent with the code hashes to the challenge sent to authorize.
        expect(createHash('sha256').update(seen.token!.get('code_verifier')!).digest('base64url')).toBe(
          seen.authorize!.get('code_challenge'),
        );
        expect(await page.evaluate<string | null>("sessionStorage.getItem('tyrehero-ops-token')")).toBe(opsToken);

        // A code this tab did not ask for (a forged or replayed link) is refused, and no token is fetched for it.
        seen.token = undefined;
        await page.evaluate('sessionStorage.clear()');
        await page.goto(`${base}/ops/live?code=stolen-code&state=not-this-tab`);
        await waitFor(
          async () => /did not start in this tab/.test((await page.locator('#error').textContent()) ?? ''),
          'the refusal',
          10_000,
        );
        expect(seen.token).toBeUndefined();
        expect(await page.evaluate<string>('location.href')).toBe(`${base}/ops/live`);
        expect(errors).toEqual([]);
        await page.close();
      }, 60_000);
    });
  });
}
