// The core concerns' parsed values by key, for the signatures of the shared builders (`Pick<CoreConfig, 'region' |
// 'dynamodb'>`). Types only, so importing it bundles no concern: a function loads the concerns it imports itself.
import type { authConcern } from './auth.js';
import type { ConfigOf } from './concern.js';
import type { dataProtectionConcern } from './data-protection.js';
import type { databaseConcern } from './database.js';
import type { dispatchConcern } from './dispatch.js';
import type { dynamodbConcern } from './dynamodb.js';
import type { geocoderConcern } from './geocoder.js';
import type { httpConcern } from './http.js';
import type { intakeConcern } from './intake.js';
import type { linksConcern } from './links.js';
import type { notifierConcern } from './notifier.js';
import type { regionConcern } from './region.js';
import type { roadEtaConcern } from './road-eta.js';
import type { smsConcern } from './sms.js';
import type { stageConcern } from './stage.js';
import type { tablesConcern } from './tables.js';

export type CoreConfig = ConfigOf<
  | typeof stageConcern
  | typeof regionConcern
  | typeof databaseConcern
  | typeof dynamodbConcern
  | typeof tablesConcern
  | typeof geocoderConcern
  | typeof roadEtaConcern
  | typeof intakeConcern
  | typeof httpConcern
  | typeof dispatchConcern
  | typeof notifierConcern
  | typeof smsConcern
  | typeof authConcern
  | typeof linksConcern
  | typeof dataProtectionConcern
>;
