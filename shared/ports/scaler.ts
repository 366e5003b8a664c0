// Changes the capacity of one scaling target to what a weather level calls for.
import type { WeatherLevel } from '#shared/domain/priority.js';
import type { ScalingTarget } from '#shared/domain/weather-scaling.js';

export interface Scaler {
  /** Idempotent: applying the same level twice leaves the same capacity. */
  apply(target: ScalingTarget, level: WeatherLevel): Promise<void>;
}
