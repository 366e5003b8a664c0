// Which postcode geocoder intake and the DR drill use.
import { concern, field, optionalText, oneOf, at } from './concern.js';

export const geocoderConcern = concern(
  'geocoder',
  {
    GEOCODER: field(
      oneOf(['offline', 'aws-location']),
      "Postcode geocoder: 'offline' (built-in outward-code table) or 'aws-location'.",
      'offline',
    ),
    PLACE_INDEX_NAME: field(optionalText, 'AWS Location Service place index used when GEOCODER=aws-location.'),
  },
  (o) =>
    o
      .refine(
        (c) => c.GEOCODER !== 'aws-location' || c.PLACE_INDEX_NAME,
        at('PLACE_INDEX_NAME', 'is required when GEOCODER=aws-location'),
      )
      .transform((c) => ({ kind: c.GEOCODER, placeIndexName: c.PLACE_INDEX_NAME })),
);
