import { assertSafeBaseUrl, classifyAddress, connectTimeLookup, routerBaseUrlGuard } from '../../../lambdas/keys/base-url-guard.js';
import { ApiError } from '../../../lambdas/http/errors.js';

const resolveTo =
  (...addresses: string[]) =>
  async () =>
    addresses;
const aws = { allowLoopback: false, resolve: resolveTo('93.184.216.34') };
const local = { allowLoopback: true, resolve: resolveTo('127.0.0.1') };

async function rejection(url: string, options: Parameters<typeof assertSafeBaseUrl>[1]): Promise<ApiError> {
  try {
    await assertSafeBaseUrl(url, options);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error(`${url} was accepted`);
}

describe('assertSafeBaseUrl', () => {
  it('accepts a public https URL and returns it parsed', async () => {
    const url = await assertSafeBaseUrl('https://api.example.com/v1', aws);
    expect(url.href).toBe('https://api.example.com/v1');
  });

  it.each([
    'http://api.example.com/v1',
    'ftp://api.example.com',
    'not a url',
    'https://user:pass@api.example.com',
    'https://127.0.0.1/v1',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://10.0.0.8',
    'https://172.20.1.1',
    'https://192.168.1.1',
    'https://100.64.0.1',
    'https://169.254.169.254/latest/meta-data',
    'https://169.254.10.10',
    'https://0.0.0.0',
    'https://[::1]/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:a00:1::]/',
    'https://[fd00:ec2::254]/',
    'https://[fc00::1]/',
    'https://[fe80::1]/',
  ])('in AWS refuses %s with a 400 naming baseUrl', async (url) => {
    const err = await rejection(url, aws);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.toBody().error.param).toBe('baseUrl');
  });

  it('refuses a hostname when any address it resolves to is private', async () => {
    const err = await rejection('https://internal.example.com', { allowLoopback: false, resolve: resolveTo('93.184.216.34', '10.1.2.3') });
    expect(err.message).toContain('private');
    const meta = await rejection('https://metadata.example.com', { allowLoopback: false, resolve: resolveTo('fd00:ec2::254') });
    expect(meta.message).toContain('metadata');
  });

  it('refuses a hostname that does not resolve', async () => {
    const err = await rejection('https://nowhere.invalid', { allowLoopback: false, resolve: async () => Promise.reject(new Error('ENOTFOUND')) });
    expect(err.message).toContain('does not resolve');
  });

  it('locally allows loopback over http or https, but still no private or metadata addresses', async () => {
    await expect(assertSafeBaseUrl('http://127.0.0.1:11434/v1', local)).resolves.toBeInstanceOf(URL);
    await expect(assertSafeBaseUrl('http://localhost:8000/v1', local)).resolves.toBeInstanceOf(URL);
    await expect(assertSafeBaseUrl('https://[::1]:8443/v1', local)).resolves.toBeInstanceOf(URL);
    await expect(rejection('http://169.254.169.254/', local)).resolves.toBeInstanceOf(ApiError);
    await expect(rejection('http://10.0.0.1/', local)).resolves.toBeInstanceOf(ApiError);
    // Plain http stays refused for public hosts even locally: the key would travel in clear.
    await expect(rejection('http://api.example.com/', { allowLoopback: true, resolve: resolveTo('93.184.216.34') })).resolves.toBeInstanceOf(ApiError);
  });

  it('classifies addresses', () => {
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2606:4700:4700::1111')).toBe('public');
    expect(classifyAddress('127.0.0.53')).toBe('loopback');
    expect(classifyAddress('::ffff:192.168.0.1')).toBe('private');
    expect(classifyAddress('169.254.169.254')).toBe('metadata');
    expect(classifyAddress('fe80::1%eth0')).toBe('link-local');
  });
});

describe('routerBaseUrlGuard', () => {
  it('checks a URL that passed only once while its resolution would be cached, and a refused one every time', async () => {
    const resolved: string[] = [];
    const guard = routerBaseUrlGuard({
      allowLoopback: false,
      resolve: async (host) => (resolved.push(host), host === 'api.example.com' ? ['93.184.216.34'] : ['10.0.0.5']),
    });
    await guard('https://api.example.com/v1');
    await guard('https://api.example.com/v1');
    expect(resolved).toEqual(['api.example.com']);
    for (let i = 0; i < 2; i++) await expect(guard('https://internal.example.com/v1')).rejects.toMatchObject({ status: 400, options: { param: 'baseUrl' } });
    expect(resolved).toEqual(['api.example.com', 'internal.example.com', 'internal.example.com']);
  });
});

describe('connectTimeLookup', () => {
  const lookup = (allowLoopback: boolean, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
      connectTimeLookup({ allowLoopback })('localhost', { all }, (err, result) => resolve({ err, result })),
    );

  it('refuses at connect time a name that resolves to a loopback address, unless loopback is allowed', async () => {
    const strict = await lookup(false, true);
    expect(strict.err?.code).toBe('EADDRNOTALLOWED');
    const local = await lookup(true, true);
    expect(local.err).toBeNull();
    expect((local.result as { address: string }[]).every(({ address }) => classifyAddress(address) === 'loopback')).toBe(true);
    const single = await lookup(true, false);
    expect(classifyAddress(single.result as string)).toBe('loopback');
  });
});
