// Turns a UK postcode into a point on the map.
import type { GeoPoint } from '#shared/domain/emergency.js';

export interface Geocoder {
  /** Undefined when the postcode is well-formed but unknown to the geocoder. */
  locatePostcode(postcode: string): Promise<GeoPoint | undefined>;
}
