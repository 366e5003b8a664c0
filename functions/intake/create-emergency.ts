// Intake: validate where the customer is, prioritise, store the emergency so it can never be lost, and answer.
import ngeohash from 'ngeohash';
import type { GeoPoint, NewEmergency } from '#shared/domain/emergency.js';
import { isFictionalUkNumber, slaDeadlineFor } from '#shared/domain/emergency.js';
import { computePriority, type WeatherLevel } from '#shared/domain/priority.js';
import { isInServiceArea } from '#shared/domain/service-area.js';
import { idempotencyKeyHash, requestFingerprint } from '#shared/domain/idempotency.js';
import { hashTrackingToken, replayableId } from '#shared/domain/tracking.js';
import {
  Conflict,
  IdempotencyInProgress,
  IdempotencyKeyReused,
  RateLimited,
  Unavailable,
  ValidationError,
} from '#shared/domain/errors.js';
import type { Clock, IdGenerator } from '#shared/ports/clock.js';
import type { Geocoder } from '#shared/ports/geocoder.js';
import type { IntakeBuffer, IntakeJournal } from '#shared/ports/intake-buffer.js';
import { isActive, type RegionRole } from '#shared/ports/active-region.js';
import type { Log } from '#shared/ports/logger.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type { RateCounter } from '#shared/ports/rate-counter.js';
import { ReferenceTaken, type RequestStore } from '#shared/ports/request-store.js';
import type { EmergencyRequest, RequestStatus } from '#shared/domain/emergency.js';
import type { WeatherLevelReader } from '#shared/ports/weather-level.js';
import type { CreateEmergencyInput } from '#shared/schemas/emergency.js';
import type { Dispatcher, DispatchOptions, DispatchOutcome } from '#shared/ports/dispatcher.js';
import type { TrackingLinks } from '#shared/ports/tracking-links.js';
import { answerFor, plannedAnswer, type AnswerDeps, type IntakeAnswer } from './answer.js';

/**
 * Dispatcher: gives the stored request its technician (functions/dispatch, mixed in by the composition).
 * AnswerDeps: what the answer reads (who is coming) and where it is kept for retries.
 */
export interface IntakeDeps extends Dispatcher, AnswerDeps {
  requests: RequestStore;
  /** The tracking token, derived from the id. */
  trackingLinks: TrackingLinks;
  intakeBuffer: IntakeBuffer;
  geocoder: Geocoder;
  weather: WeatherLevelReader;
  clock: Clock;
  ids: IdGenerator;
  log: Log;
  intake: {
    slaMinutes: number;
    dedupWindowMinutes: number;
    dispatchBudgetMs: number;
    idempotencyTtlSeconds: number;
    /** How long the journal keeps a copy of each stored intake (0: none). */
    journalSeconds?: number;
  };
  /** The replicated copy that closes asynchronous replication's window (ports/intake-buffer.ts); absent: none kept. */
  journal?: IntakeJournal;
  phones: Pick<PhoneProtection, 'lookupHash'>;
  rateLimits: RateCounter;
  abuse: { intakeLimitPerPhoneHour: number };
  /**
   * Which region serves. In a standby region the request is held in the (replicated) intake buffer, never written to
   * a database that is a read-only replica or about to be left behind; the active region drains it. Absent: always active.
   */
  regionRole?: RegionRole;
}

export interface AcceptedEmergency {
  /** 'pending' or 'assigned' for a new intake; a replay answers with whatever the request is now, whoever holds it. */
  request: NewEmergency & { status: RequestStatus } & Partial<Pick<EmergencyRequest, 'technicianId' | 'eta'>>;
  /** Shown to the customer once; only its hash is stored. */
  trackingToken: string;
  /** Accepted into the fallback buffer because the database was unreachable. */
  queued: boolean;
  /** Undefined when dispatch was not attempted (queued), failed or ran out of budget; redispatch retries either way. */
  dispatch?: DispatchOutcome;
  /** This was a retry of an intake already stored: the answer is the stored request, with the same token. */
  replayed?: boolean;
  /** What the customer is told (the response body); a retry with the same Idempotency-Key gets the first answer as sent. */
  answer: IntakeAnswer;
}

/** What intake did, before it answers: a retry's `firstAnswer` is the first answer as kept (without its token). */
type Accepted = Omit<AcceptedEmergency, 'answer'> & { firstAnswer?: string };

export interface IntakeOptions {
  syntheticTest?: boolean;
  /**
   * The client's Idempotency-Key: a retry with it gets the first answer back (the same id and tracking token), a
   * retry while the first attempt still runs is told to wait, and the key with a different request is refused.
   */
  idempotencyKey?: string;
  /**
   * This invocation by the wall clock: when it started, and when Lambda stops it. A retry that arrives while an
   * earlier attempt may still be running is told to wait; after that attempt's deadline it takes over.
   */
  invocation?: { startedAt: Date; deadline: Date };
}

/** Without the invocation's own deadline (a caller outside Lambda), an attempt is presumed running for this long. */
const defaultAnswerWithinMs = 30_000;

/** Geohash precision 9 (~5 m cells) is finer than any phone's GPS fix, so nothing is lost in the stored hash. */
const storedGeohashPrecision = 9;
const referenceAttempts = 5;

/** Takes an emergency in (stored, or held in the buffer while PostgreSQL is down), dispatches it, and answers. */
export async function createEmergency(
  deps: IntakeDeps,
  input: CreateEmergencyInput,
  options: IntakeOptions = {},
): Promise<AcceptedEmergency> {
  const { firstAnswer, ...accepted } = await acceptEmergency(deps, input, options);
  const answer = await answerFor(deps, { ...accepted, firstAnswer }, Boolean(options.idempotencyKey));
  return { ...accepted, answer };
}

/** Everything before the answer: locate, prioritise, store once (or find the stored request a retry is of), dispatch. */
async function acceptEmergency(
  deps: IntakeDeps,
  input: CreateEmergencyInput,
  options: IntakeOptions,
): Promise<Accepted> {
  const location = await locate(deps.geocoder, input.location);
  const now = deps.clock.now();
  const weather = await currentWeather(deps);
  const id = replayableId(options.idempotencyKey, input.customer.phone) ?? deps.ids.uuid();
  // Derived from the id, so a replay recomputes it and a later assignment's SMS can link it (ports/tracking-links.ts).
  const trackingToken = await deps.trackingLinks.tokenFor(id);
  const onMotorway = input.safety?.onMotorway ?? false;
  const vulnerableOccupants = input.safety?.vulnerableOccupants ?? false;
  const draft: NewEmergency = {
    id,
    reference: deps.ids.reference(),
    customerName: input.customer.name,
    phone: input.customer.phone,
    location,
    geohash: ngeohash.encode(location.lat, location.lon, storedGeohashPrecision),
    address: input.address,
    postcode: input.location.postcode,
    vehicleMakeModel: input.vehicle.makeModel,
    vehicleRegistration: input.vehicle.registration,
    issue: input.issue,
    onMotorway,
    vulnerableOccupants,
    notes: input.notes,
    priority: computePriority({ issue: input.issue, onMotorway, vulnerableOccupants, at: now, weather }),
    createdAt: now,
    slaDeadline: slaDeadlineFor(now, deps.intake.slaMinutes),
    trackingTokenHash: hashTrackingToken(trackingToken),
    isTest: Boolean(options.syntheticTest) && isFictionalUkNumber(input.customer.phone),
    ...(options.idempotencyKey
      ? {
          idempotency: {
            keyHash: idempotencyKeyHash(options.idempotencyKey),
            fingerprint: requestFingerprint(input, Boolean(options.syntheticTest)),
            answerDueBy: options.invocation?.deadline ?? new Date(now.getTime() + defaultAnswerWithinMs),
          },
        }
      : {}),
  };

  const duplicateSince = new Date(now.getTime() - deps.intake.dedupWindowMinutes * 60_000);
  const replaySince = new Date(now.getTime() - deps.intake.idempotencyTtlSeconds * 1000);
  const keyed = Boolean(options.idempotencyKey);
  try {
    if (deps.regionRole && !(await isActive(deps.regionRole)))
      throw new Unavailable(`this region (${deps.regionRole.region}) is on standby`);
    const stored = await storeWithFreshReference(deps, draft, duplicateSince, replaySince);
    if ('replayed' in stored) {
      const { request, answer, answerDueBy } = stored;
      // The stored request's own token: its id is this attempt's, unless it was stored before ids were derived from keys
      // of every length (a short key then drew a random id).
      const token = request.id === id ? trackingToken : await deps.trackingLinks.tokenFor(request.id);
      if (answer !== undefined)
        return { request, trackingToken: token, queued: false, replayed: true, firstAnswer: answer };
      // No answer yet: the first attempt may still be dispatching. Once its invocation is over it never will answer.
      if (answerDueBy && answerDueBy > (options.invocation?.startedAt ?? now)) throw new IdempotencyInProgress();
      // The first attempt committed and was stopped before it answered: answer with what is stored, dispatching if still pending.
      const dispatch = request.status === 'pending' ? await dispatchWithinBudget(deps, request, keyed) : undefined;
      const status = dispatch?.kind === 'assigned' ? 'assigned' : request.status;
      return { request: { ...request, status }, trackingToken: token, queued: false, dispatch, replayed: true };
    }
    // The journal copy is written beside dispatch, so it costs the answer no time, and is there before the answer.
    const [dispatch] = await Promise.all([dispatchWithinBudget(deps, stored, keyed), keepInJournal(deps, stored, now)]);
    return {
      request: { ...stored, status: dispatch?.kind === 'assigned' ? 'assigned' : 'pending' },
      trackingToken,
      queued: false,
      dispatch,
    };
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error;
    // The system of record is down or elsewhere (failover, outage, standby region): keep the emergency in DynamoDB
    // rather than turn the driver away.
    deps.log.error('database unavailable here; emergency held in intake buffer', {
      id: draft.id,
      reference: draft.reference,
      error: error.cause,
    });
    // The store counts the per-phone limit; while it is down, the DynamoDB counter does.
    await withinBufferedPhoneLimit(deps, input.customer.phone, now);
    let held: NewEmergency;
    try {
      held = await deps.intakeBuffer.hold(draft);
    } catch (bufferError) {
      deps.log.error('intake buffer unavailable too', { id: draft.id, error: bufferError });
      throw new Unavailable('We could not record your request right now. Please try again in a moment, or call us.');
    }
    // Held already under this id: a retry with the same key while the database is still down gets the same answer.
    if (held !== draft && held.idempotency?.fingerprint !== draft.idempotency?.fingerprint)
      throw new IdempotencyKeyReused();
    return {
      request: { ...held, status: 'pending' },
      trackingToken,
      queued: true,
      ...(held !== draft ? { replayed: true } : {}),
    };
  }
}

/**
 * Keeps a copy of the stored request in the replicated journal. The database already has it: a failed copy is logged,
 * never refused (the driver's request is safe unless this region also dies within the replication lag).
 */
async function keepInJournal(deps: IntakeDeps, stored: NewEmergency, now: Date): Promise<void> {
  const seconds = deps.intake.journalSeconds ?? 0;
  if (!deps.journal || seconds === 0) return;
  try {
    await deps.journal.keep(stored, new Date(now.getTime() + seconds * 1000));
  } catch (error) {
    deps.log.error('intake journal copy failed; the request is stored', { id: stored.id, error });
  }
}

/**
 * The request is already safe in the system of record, so the customer gets an answer within the dispatch budget
 * whatever dispatch does: a failure, or a dispatch still running when the budget is spent, leaves it pending for
 * redispatch (every minute). A dispatch still running goes on in the background while the container lives; every step
 * of it is guarded, so it and redispatch cannot both assign the request.
 */
async function dispatchWithinBudget(
  deps: IntakeDeps,
  stored: NewEmergency | EmergencyRequest,
  keyed: boolean,
): Promise<DispatchOutcome | undefined> {
  // Once the budget is spent the customer is told `pending`: an assignment made after that must not keep another answer.
  let answering = true;
  // With an Idempotency-Key, the answer an assignment means is kept by the assignment's own statement.
  const options: DispatchOptions = keyed
    ? { fromIntake: true, keepAnswer: (planned) => (answering ? plannedAnswer(stored, planned) : undefined) }
    : { fromIntake: true };
  const attempt = deps
    .dispatchRequest({ ...stored, declinedBy: 'declinedBy' in stored ? stored.declinedBy : [] }, options)
    .catch((error: unknown) => {
      deps.log.error('dispatch failed; request left pending for redispatch', { id: stored.id, error: error });
      return undefined;
    });
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'out-of-budget'>((resolve) => {
    timer = setTimeout(() => resolve('out-of-budget'), deps.intake.dispatchBudgetMs);
  });
  try {
    const outcome = await Promise.race([attempt, budget]);
    if (outcome !== 'out-of-budget') return outcome;
    answering = false;
    deps.log.warn('dispatch budget spent; answering pending, dispatch continues', {
      id: stored.id,
      budgetMs: deps.intake.dispatchBudgetMs,
    });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

type StoredOrReplayed =
  NewEmergency | { replayed: true; request: EmergencyRequest; answer?: string; answerDueBy?: Date };

async function storeWithFreshReference(
  deps: IntakeDeps,
  draft: NewEmergency,
  duplicateSince: Date,
  replaySince: Date,
): Promise<StoredOrReplayed> {
  let candidate = draft;
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await deps.requests.insertUnlessDuplicate(
        candidate,
        duplicateSince,
        deps.abuse.intakeLimitPerPhoneHour,
        replaySince,
      );
      if (outcome.kind === 'replayed')
        return { replayed: true, request: outcome.request, answer: outcome.answer, answerDueBy: outcome.answerDueBy };
      if (outcome.kind === 'key-reused') throw new IdempotencyKeyReused();
      if (outcome.kind === 'rate-limited') throw phoneLimitReached(deps, outcome.retryAfterSeconds);
      if (outcome.kind === 'duplicate') {
        throw new Conflict(
          `This phone number already has an open request, ${outcome.existing.reference} (status ${outcome.existing.status}). Use its tracking link instead of sending a new one.`,
          { existingReference: outcome.existing.reference, existingStatus: outcome.existing.status },
        );
      }
      return candidate;
    } catch (error) {
      if (!(error instanceof ReferenceTaken) || attempt >= referenceAttempts) throw error;
      candidate = { ...candidate, reference: deps.ids.reference() };
    }
  }
}

async function locate(geocoder: Geocoder, location: CreateEmergencyInput['location']): Promise<GeoPoint> {
  let point: GeoPoint | undefined;
  if (location.lat !== undefined && location.lon !== undefined) {
    point = { lat: location.lat, lon: location.lon };
  } else if (location.postcode) {
    point = await geocoder.locatePostcode(location.postcode);
    if (!point) {
      throw new ValidationError(
        `We could not find postcode ${location.postcode}. Check it, or send your position as lat and lon.`,
        [{ field: 'location.postcode', message: 'postcode not found' }],
      );
    }
  }
  if (!point || !isInServiceArea(point)) {
    throw new ValidationError(
      'That location is outside the UK and Ireland, where we operate. Check the coordinates (lat is north–south, lon is east–west).',
      [{ field: 'location', message: 'outside the UK and Ireland' }],
    );
  }
  return point;
}

function phoneLimitReached(deps: IntakeDeps, retryAfterSeconds: number): RateLimited {
  return new RateLimited(
    `This phone number has already sent ${deps.abuse.intakeLimitPerPhoneHour} requests in the last hour, so we cannot take another online right now. ` +
      `If you or anyone with you is in danger, call 999 now. Otherwise follow your existing request with its tracking link, or try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    retryAfterSeconds,
  );
}

/**
 * The per-phone limit while PostgreSQL is down (it is counted in the intake's SQL call otherwise): a DynamoDB
 * fixed-window counter. A counter outage lets the intake through rather than turn an emergency away.
 */
async function withinBufferedPhoneLimit(deps: IntakeDeps, phone: string, now: Date): Promise<void> {
  let decision;
  try {
    decision = await deps.rateLimits.take(
      `intake#${await deps.phones.lookupHash(phone)}`,
      deps.abuse.intakeLimitPerPhoneHour,
      now,
    );
  } catch (error) {
    deps.log.warn('per-phone intake limit unavailable; request let through', { error: error });
    return;
  }
  if (!decision.allowed) throw phoneLimitReached(deps, decision.retryAfterSeconds);
}

async function currentWeather(deps: IntakeDeps): Promise<WeatherLevel> {
  try {
    return await deps.weather.currentLevel();
  } catch (error) {
    // Priority without the weather bonus is still a sound priority; never refuse an emergency over it.
    deps.log.warn('weather level unavailable; assuming normal', { error: error });
    return 'normal';
  }
}
