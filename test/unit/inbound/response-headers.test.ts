import { NOTHING_ROUTED } from '../../../lambdas/gateway/engine/outcome.js';
import { chatAnswerHeaders } from '../../../lambdas/inbound/response-headers.js';

describe('chat answer headers and the dashboard origin', () => {
  const saved = process.env.ROUKEY_DASHBOARD_ORIGIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.ROUKEY_DASHBOARD_ORIGIN;
    else process.env.ROUKEY_DASHBOARD_ORIGIN = saved;
  });

  it("lets the dashboard's origin (and only it) read the answer and its routing headers", () => {
    process.env.ROUKEY_DASHBOARD_ORIGIN = 'https://dash.example.com';
    const headers = chatAnswerHeaders('req-1', NOTHING_ROUTED, 'application/json', { 'x-ratelimit-limit-requests': '60' });
    expect(headers['access-control-allow-origin']).toBe('https://dash.example.com');
    expect(headers.vary).toBe('Origin');
    expect(headers['access-control-expose-headers']?.split(', ').sort()).toEqual(['x-ratelimit-limit-requests', 'x-roukey-request-id']);
  });

  it('has no CORS at all without a dashboard origin (locally the dashboard shares the gateway origin)', () => {
    delete process.env.ROUKEY_DASHBOARD_ORIGIN;
    const headers = chatAnswerHeaders('req-1', NOTHING_ROUTED, 'application/json');
    expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
