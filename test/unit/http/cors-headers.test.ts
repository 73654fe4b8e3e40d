import { corsHeaders, securityHeaders } from '../../../lambdas/http/security-headers.js';

describe('CORS on management answers', () => {
  it("names only the dashboard's origin, and none at all when no dashboard origin is configured", () => {
    expect(corsHeaders('https://d111.cloudfront.net')).toEqual({ 'access-control-allow-origin': 'https://d111.cloudfront.net', vary: 'Origin' });
    expect(corsHeaders('')).toEqual({});
    expect(corsHeaders(undefined)).toEqual({});
  });

  it('the middleware adds it beside the security headers, errors included', () => {
    const previous = process.env.ROUKEY_DASHBOARD_ORIGIN;
    process.env.ROUKEY_DASHBOARD_ORIGIN = 'https://dash.example.com';
    try {
      const middleware = securityHeaders();
      const request = { response: { statusCode: 401, body: '{}' } as { statusCode: number; body: string; headers?: Record<string, string> } };
      middleware.onError?.(request as never);
      expect(request.response.headers).toMatchObject({ 'access-control-allow-origin': 'https://dash.example.com', 'cache-control': 'no-store' });
    } finally {
      if (previous === undefined) delete process.env.ROUKEY_DASHBOARD_ORIGIN;
      else process.env.ROUKEY_DASHBOARD_ORIGIN = previous;
    }
  });
});
