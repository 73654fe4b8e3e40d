import { lookup as lookupCallback, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { ApiError } from '../http/errors.js';
import { TtlCache } from '../cache/ttl-cache.js';

/**
 * Server-side request forgery guard for provider base URLs. In AWS: https only, and neither the literal host
 * nor anything its name resolves to may be private, loopback, link-local, CGNAT, the instance metadata
 * service, unique-local IPv6 or an IPv4 address smuggled inside IPv6. Locally (`allowLoopback`) loopback
 * hosts are allowed, over http or https. The router calls this before every upstream call, because DNS can
 * change after the key was created, so resolutions are cached briefly; and its upstream connections check the
 * addresses they really connect to (`connectTimeLookup`), so a name cannot resolve one way here and another there.
 */
export interface BaseUrlGuardOptions {
  readonly allowLoopback: boolean;
  readonly resolve?: (host: string) => Promise<string[]>;
}

const RESOLVE_CACHE_MS = 15_000;
const resolveCache = new TtlCache<string, string[]>({ maxEntries: 1_000 });

export async function assertSafeBaseUrl(url: string, options: BaseUrlGuardOptions): Promise<URL> {
  const parsed = parseUrl(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') reject('must use https');
  if (parsed.username || parsed.password) reject('must not contain credentials');
  const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const addresses = isIP(host) ? [host] : await resolveHost(host, options.resolve);
  if (addresses.length === 0) reject('host does not resolve');
  let allLoopback = true;
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (!kindAllowed(kind, options.allowLoopback)) reject(`must not point to a ${kind} address`);
    if (kind !== 'loopback') allLoopback = false;
  }
  if (parsed.protocol === 'http:' && !(options.allowLoopback && allLoopback)) reject('must use https');
  return parsed;
}

/**
 * The guard as the router calls it, before every upstream call: a URL that passed is not checked again while
 * its host's resolution would still be cached, so the check costs a map lookup on the hot path.
 */
export function routerBaseUrlGuard(options: BaseUrlGuardOptions): (url: string) => Promise<void> {
  const passed = new TtlCache<string, true>({ maxEntries: 1_000 });
  return async (url) => {
    if (passed.has(url)) return;
    await assertSafeBaseUrl(url, options);
    passed.set(url, true, RESOLVE_CACHE_MS);
  };
}

/** The error code of a connection `connectTimeLookup` refused. */
export const ADDRESS_REFUSED = 'EADDRNOTALLOWED';

/**
 * The same rule once more at connect time, on the addresses the connection really uses (the upstream agent's
 * `lookup`, gateway/transport/upstream-http.ts): a name that resolved to a public address when the URL was checked and
 * to a private one a moment later (DNS rebinding) is refused here. IP literals never reach a lookup; the
 * URL check has judged them already.
 */
export function connectTimeLookup(options: { allowLoopback: boolean }): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    lookupCallback(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.length === 0 || addresses.some(({ address }) => !kindAllowed(classifyAddress(address), options.allowLoopback));
      if (refused) return callback(Object.assign(new Error('The upstream host resolves to an address RouKey may not call.'), { code: ADDRESS_REFUSED }), '', 0);
      const [first] = addresses;
      if (lookupOptions.all || !first) (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** The one rule, for the URL check and the connect-time check alike: public addresses, loopback where allowed. */
function kindAllowed(kind: AddressKind, allowLoopback: boolean): boolean {
  return kind === 'public' || (kind === 'loopback' && allowLoopback);
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    return reject('is not a valid URL');
  }
}

function reject(why: string): never {
  throw new ApiError('invalid_request', `baseUrl ${why}.`, { param: 'baseUrl' });
}

async function resolveHost(host: string, resolve = defaultResolve): Promise<string[]> {
  const key = host.toLowerCase();
  const cached = resolveCache.get(key);
  if (cached && resolve === defaultResolve) return cached;
  let addresses: string[];
  try {
    addresses = await resolve(key);
  } catch {
    return reject('host does not resolve');
  }
  if (resolve === defaultResolve) resolveCache.set(key, addresses, RESOLVE_CACHE_MS);
  return addresses;
}

async function defaultResolve(host: string): Promise<string[]> {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
}

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'reserved';

/** What kind of address an IP literal is; anything not plainly public is refused by the guard. */
export function classifyAddress(address: string): AddressKind {
  const version = isIP(address);
  if (version === 4) return classifyIpv4(ipv4Octets(address));
  if (version === 6) return classifyIpv6(ipv6Words(address));
  return 'reserved';
}

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

function classifyIpv4([a = 0, b = 0, c = 0, d = 0]: number[]): AddressKind {
  if (a === 169 && b === 254 && c === 169 && d === 254) return 'metadata';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // CGNAT 100.64.0.0/10
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0 || a >= 224) return 'reserved'; // "this network", multicast, class E, broadcast
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved'; // IETF protocol assignments, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'reserved'; // TEST-NET-2/3
  return 'public';
}

/** Eight 16-bit words of an IPv6 literal (with an optional dotted IPv4 tail and zone id). */
function ipv6Words(address: string): number[] {
  let text = (address.split('%')[0] ?? '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(dotted[1] ?? '');
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headWords = head ? head.split(':').map((w) => parseInt(w, 16)) : [];
  const tailWords = tail ? tail.split(':').map((w) => parseInt(w, 16)) : [];
  const fill = tail === undefined ? [] : new Array<number>(8 - headWords.length - tailWords.length).fill(0);
  return [...headWords, ...fill, ...tailWords];
}

function embeddedIpv4(words: number[]): number[] {
  const hi = words[6] ?? 0;
  const lo = words[7] ?? 0;
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
}

function classifyIpv6(words: number[]): AddressKind {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const firstSixZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  if (firstSixZero && w5 === 0 && w6 === 0 && w7 === 1) return 'loopback';
  if (firstSixZero && w5 === 0 && w6 === 0 && w7 === 0) return 'reserved'; // unspecified
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) carry an IPv4 address: judge that one.
  if (firstSixZero && (w5 === 0xffff || w5 === 0)) return classifyIpv4(embeddedIpv4(words));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) also embed IPv4 addresses that may reach private networks.
  if (w0 === 0x64 && w1 === 0xff9b) return classifyIpv4(embeddedIpv4(words));
  if (w0 === 0x2002) return classifyIpv4([w1 >> 8, w1 & 0xff, w2 >> 8, w2 & 0xff]);
  if (w0 === 0xfd00 && w1 === 0x0ec2 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0 && w6 === 0 && w7 === 0x254) return 'metadata';
  if ((w0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((w0 & 0xffc0) === 0xfe80 || (w0 & 0xffc0) === 0xfec0) return 'link-local'; // fe80::/10, deprecated site-local
  if ((w0 & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (w0 === 0x2001 && w1 === 0x0db8) return 'reserved'; // documentation
  if (w0 === 0x0100 && w1 === 0 && w2 === 0 && w3 === 0) return 'reserved'; // discard-only
  if (w0 === 0x2001 && w1 === 0) return 'reserved'; // Teredo embeds an obfuscated IPv4 address
  return 'public';
}
