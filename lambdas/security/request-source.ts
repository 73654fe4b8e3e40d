import { isIP } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { SecurityEvent } from './security-event.js';

/** Where a request came from, as a security event records it (P7: these fields go nowhere else). */
export type RequestSource = Pick<SecurityEvent, 'sourceIp' | 'userAgent' | 'country'>;

/**
 * The source of an API Gateway proxy event: the client IP API Gateway saw, the client's user-agent family, and the
 * viewer country when a CloudFront distribution in front of the API adds `CloudFront-Viewer-Country`.
 */
export function requestSource(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): RequestSource {
  const ip = event.requestContext?.identity?.sourceIp;
  const country = header(event.headers, 'cloudfront-viewer-country')?.toUpperCase();
  const userAgent = userAgentFamily(header(event.headers, 'user-agent'));
  return {
    ...(typeof ip === 'string' && isIP(ip) !== 0 ? { sourceIp: ip } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(country && /^[A-Z]{2}$/.test(country) ? { country } : {}),
  };
}

/** Browsers report a `Mozilla/5.0 (…)` preamble; the family is in the product tokens after it, most specific first. */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\b(Chrome|CriOS)\//, 'Chrome'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\bSafari\//, 'Safari'],
  [/bot|crawler|spider/i, 'bot'],
];

/** Longest family kept; the security event schema allows 64 characters. */
const MAX_FAMILY = 40;

/**
 * A User-Agent header reduced to its client family without versions: `OpenAI/JS 6.1.0` → `OpenAI/JS`,
 * `curl/8.5.0` → `curl`, a Chrome user agent → `Chrome`. Bounded and drawn from a small character set, so the
 * header's free text never reaches a stored event.
 */
export function userAgentFamily(userAgent: string | undefined): string | undefined {
  const text = userAgent?.trim();
  if (!text) return undefined;
  if (text.startsWith('Mozilla/')) return BROWSERS.find(([pattern]) => pattern.test(text))?.[1] ?? 'browser';
  const product = (text.split(/\s/, 1)[0] ?? '').replace(/\/v?\d[^/]*$/, '');
  const family = product.replace(/[^A-Za-z0-9._/-]/g, '').slice(0, MAX_FAMILY);
  return family === '' ? 'other' : family;
}

/** A header by name, whatever case the client (or API Gateway) gave it. */
function header(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key] ?? undefined;
  return undefined;
}
