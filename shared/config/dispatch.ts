// How technicians are chosen and ETAs estimated: dispatch, intake, tracking, jobs, operations and the DR drill.
import { concern, field, int, oneOf, positive } from './concern.js';

export const dispatchConcern = concern(
  'dispatch',
  {
    DISPATCH_CANDIDATES: field(int(1), 'How many nearest available technicians dispatch tries, nearest first.', '5'),
    DISPATCH_MAX_RADIUS_KM: field(positive, 'Furthest straight-line distance searched for a technician.', '150'),
    DISPATCH_POLICY: field(
      oneOf(['greedy', 'batched']),
      'batched (the default): while supply is spare, the nearest van that can make the deadline at once; where it is short (fewer than DISPATCH_CANDIDATES vans can make a new request\'s deadline and at least as many other requests wait within ~150 km), the intake answers pending with an estimate and redispatch\'s minute window matches every waiting request to the free vans at least total cost, still serving requests past their deadline, most urgent first. greedy: nearest first, in arrival order; a request past its deadline is left to operations. docs/performance.md, "Storm day", has what each measured.',
      'batched',
    ),
    LOCATION_FRESH_MINUTES: field(
      positive,
      'A technician silent for longer is not dispatchable: the van app reports every 30 s, so 2 minutes is four missed fixes.',
      '2',
    ),
    ACCEPT_WITHIN_MINUTES: field(positive, 'An assignment not accepted within this is reclaimed by redispatch.', '3'),
    ETA_MOBILISATION_MINUTES: field(int(), 'Minutes from accepting a job to driving off.', '10'),
    ETA_ROAD_FACTOR: field(positive, 'Road distance ÷ straight-line distance.', '1.3'),
    ETA_SPEED_URBAN_KMH: field(positive, 'Average speed for urban drives.', '30'),
    ETA_SPEED_RURAL_KMH: field(positive, 'Average speed for rural drives.', '60'),
    ETA_SPEED_MOTORWAY_KMH: field(positive, 'Average speed to a motorway breakdown.', '90'),
    ETA_URBAN_RADIUS_KM: field(positive, 'Drives up to this straight-line distance use the urban speed.', '10'),
    ARRIVAL_RADIUS_METERS: field(
      int(10),
      "A technician may mark a job arrived only when their latest fresh position (LOCATION_FRESH_MINUTES) is this close to the breakdown; 250 m allows for a phone's GPS on a motorway verge.",
      '250',
    ),
    ARRIVAL_CODE_MAX_ATTEMPTS: field(
      int(1),
      'Wrong arrival codes allowed per job (a 4-digit code must not be guessable); after that only an operations override completes it.',
      '5',
    ),
  },
  (o) =>
    o.transform((c) => ({
      candidates: c.DISPATCH_CANDIDATES,
      maxRadiusKm: c.DISPATCH_MAX_RADIUS_KM,
      policy: c.DISPATCH_POLICY,
      freshMinutes: c.LOCATION_FRESH_MINUTES,
      acceptWithinMinutes: c.ACCEPT_WITHIN_MINUTES,
      arrivalRadiusMeters: c.ARRIVAL_RADIUS_METERS,
      maxArrivalCodeAttempts: c.ARRIVAL_CODE_MAX_ATTEMPTS,
      eta: {
        mobilisationMinutes: c.ETA_MOBILISATION_MINUTES,
        roadFactor: c.ETA_ROAD_FACTOR,
        speedsKmh: { urban: c.ETA_SPEED_URBAN_KMH, rural: c.ETA_SPEED_RURAL_KMH, motorway: c.ETA_SPEED_MOTORWAY_KMH },
        urbanRadiusKm: c.ETA_URBAN_RADIUS_KM,
      },
    })),
);
