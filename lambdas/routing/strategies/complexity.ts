import { COMPLEXITY_BANDS, type ComplexityBand, type RoutingConfig } from '../config-schema.js';

/**
 * The band for a score (1-5, rounded and clamped; anything but a number counts as 1): its own when the config defines it, else the nearest lower
 * band (a simple prompt is never sent up to a bigger model than asked for), else the nearest higher one (a
 * config whose smallest band is above the score still answers).
 */
export function bandFor(bands: NonNullable<RoutingConfig['bands']>, score: number): ComplexityBand | undefined {
  const at = Number.isFinite(score) ? Math.min(COMPLEXITY_BANDS.length, Math.max(1, Math.round(score))) - 1 : 0;
  const defined = (band: ComplexityBand | undefined) => band !== undefined && bands[band] !== undefined;
  return COMPLEXITY_BANDS.slice(0, at + 1).findLast(defined) ?? COMPLEXITY_BANDS.slice(at + 1).find(defined);
}
