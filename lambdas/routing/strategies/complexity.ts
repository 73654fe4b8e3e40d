import { COMPLEXITY_BANDS, type ComplexityBand, type RoutingConfig } from '../config-schema.js';

/**
 * The band for a score (1-5, rounded and clamped; anything but a number counts as 1): its own when the config defines it, else the nearest lower
 * band (a simple prompt is never sent up to a bigger model than asked for), else the nearest higher one (a
 * config whose smallest band is above the score still answers).
 */
export function bandFor(bands: NonNullable<RoutingConfig['bands']>, score: number): ComplexityBand | undefined {
  const at = Number.isFinite(score) ? Math.min(COMPLEXITY_BANDS.length, Math.max(1, Math.round(score))) - 1 : 0;
  for (let i = at; i >= 0; i--) if (bands[COMPLEXITY_BANDS[i]!]) return COMPLEXITY_BANDS[i];
  for (let i = at + 1; i < COMPLEXITY_BANDS.length; i++) if (bands[COMPLEXITY_BANDS[i]!]) return COMPLEXITY_BANDS[i];
  return undefined;
}
