// Every concern of every function at once, in docs/configuration.md's order: what the local stack, the benchmarks,
// tests and scripts/config-table.ts read. A deployed function never imports this: it loads only the concerns it uses
// (`loadConcerns` in its composition root), the core ones from shared/config/, its feature's own from its folder.
import { drConcern } from '#functions/disaster-recovery/config.js';
import { incidentsConcern } from '#functions/incidents/config.js';
import { operationsConcern, slosConcern } from '#functions/operations/config.js';
import { healthConcern } from '#functions/platform/health-config.js';
import { pagesConcern } from '#functions/platform/pages-config.js';
import { preTrafficConcern } from '#functions/platform/pre-traffic-config.js';
import { weatherConcern } from '#functions/weather-scaling/config.js';
import { activeRegionConcern } from '#shared/config/active-region.js';
import { authConcern } from '#shared/config/auth.js';
import { loadConcerns, type ConfigOf, type Env, type Setting } from '#shared/config/concern.js';
import { dataProtectionConcern } from '#shared/config/data-protection.js';
import { databaseConcern } from '#shared/config/database.js';
import { dispatchConcern } from '#shared/config/dispatch.js';
import { dynamodbConcern } from '#shared/config/dynamodb.js';
import { geocoderConcern } from '#shared/config/geocoder.js';
import { roadEtaConcern } from '#shared/config/road-eta.js';
import { httpConcern } from '#shared/config/http.js';
import { intakeConcern } from '#shared/config/intake.js';
import { linksConcern } from '#shared/config/links.js';
import { notifierConcern } from '#shared/config/notifier.js';
import { regionConcern } from '#shared/config/region.js';
import { smsConcern } from '#shared/config/sms.js';
import { stageConcern } from '#shared/config/stage.js';
import { tablesConcern } from '#shared/config/tables.js';

export const concerns = [
  stageConcern,
  regionConcern,
  databaseConcern,
  dynamodbConcern,
  tablesConcern,
  geocoderConcern,
  roadEtaConcern,
  intakeConcern,
  healthConcern,
  preTrafficConcern,
  httpConcern,
  activeRegionConcern,
  dispatchConcern,
  notifierConcern,
  smsConcern,
  authConcern,
  operationsConcern,
  slosConcern,
  dataProtectionConcern,
  pagesConcern,
  linksConcern,
  weatherConcern,
  drConcern,
  incidentsConcern,
] as const;

/** The whole configuration: each concern's parsed value. */
export type Config = ConfigOf<typeof concerns>;

/** Every setting, concern by concern: the list docs/configuration.md's table is generated from. */
export const settings: readonly Setting[] = concerns.flatMap((c) => c.settings);

/** Every concern at once: tests, the benchmark and local scripts. */
export function loadConfig(env: Env = process.env): Config {
  return loadConcerns(concerns, env);
}
