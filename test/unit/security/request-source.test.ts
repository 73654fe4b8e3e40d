import type { APIGatewayProxyEvent } from 'aws-lambda';
import { requestSource, userAgentFamily } from '../../../lambdas/security/request-source.js';
import { securityEventSchema } from '../../../lambdas/security/security-event.js';

const event = (headers: Record<string, string>, sourceIp?: string) =>
  ({ headers, requestContext: { identity: { sourceIp } } }) as unknown as APIGatewayProxyEvent;

describe('userAgentFamily', () => {
  it.each([
    ['OpenAI/JS 6.1.0', 'OpenAI/JS'],
    ['OpenAI/Python 1.99.9', 'OpenAI/Python'],
    ['Anthropic/JS 0.60.0', 'Anthropic/JS'],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.32.3', 'python-requests'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['node', 'node'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot'],
    ['<script>alert(1)</script>', 'scriptalert1/script'],
    ['   ', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, family) => {
    expect(userAgentFamily(header)).toBe(family);
  });

  it('P7: a long or hostile header becomes a bounded token the security event schema accepts', () => {
    for (const header of ['x'.repeat(10_000), '"\u0000\u202e;DROP TABLE', 'a/b/c/d/e/f'.repeat(50), 'é'.repeat(100)]) {
      const family = userAgentFamily(header);
      expect(family!.length).toBeLessThanOrEqual(40);
      expect(securityEventSchema.safeParse({ kind: 'invalid_api_key', userAgent: family }).success).toBe(true);
    }
  });
});

describe('requestSource', () => {
  it('reads the source IP API Gateway saw, the user-agent family and the CloudFront viewer country', () => {
    expect(requestSource(event({ 'User-Agent': 'curl/8.5.0', 'CloudFront-Viewer-Country': 'DE' }, '203.0.113.9'))).toEqual({
      sourceIp: '203.0.113.9',
      userAgent: 'curl',
      country: 'DE',
    });
    expect(requestSource(event({ 'user-agent': 'curl/8.5.0', 'cloudfront-viewer-country': 'fr' }, '2001:db8::1'))).toEqual({
      sourceIp: '2001:db8::1',
      userAgent: 'curl',
      country: 'FR',
    });
  });

  it('leaves out what is missing or malformed', () => {
    expect(requestSource(event({ 'CloudFront-Viewer-Country': 'Germany' }, 'not-an-ip'))).toEqual({});
    expect(requestSource({ headers: {}, requestContext: {} } as unknown as APIGatewayProxyEvent)).toEqual({});
  });
});
