import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, sendJson, type FakeServer } from './fake-server.js';

/** A GitHub account as the fake serves it. */
export interface FakeGitHubUser {
  readonly id: number;
  readonly login: string;
  readonly name?: string;
  readonly emails: readonly { email: string; primary: boolean; verified: boolean }[];
  readonly orgs: readonly string[];
}

export interface FakeGitHubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly form?: URLSearchParams;
  readonly authorization?: string;
}

export interface FakeGitHub extends FakeServer {
  /** Everything asked of the fake, in order. */
  readonly requests: FakeGitHubRequest[];
  /** Who approves the next authorization at `/login/oauth/authorize`. */
  signInAs(user: FakeGitHubUser): void;
  /** The access tokens it handed out (to prove none is stored by RouKey). */
  readonly issuedTokens: string[];
}

/**
 * GitHub's OAuth app flow and REST API as far as RouKey's OIDC provider uses them: `/login/oauth/authorize` (the
 * person approves at once), `/login/oauth/access_token` (a code is good once, for its client and redirect URI; a bad
 * one is a 200 with `error`, as GitHub answers), `/user`, `/user/emails` and `/user/orgs` with the token.
 */
export async function startFakeGitHub(app: { clientId: string; clientSecret: string }): Promise<FakeGitHub> {
  const requests: FakeGitHubRequest[] = [];
  const issuedTokens: string[] = [];
  const codes = new Map<string, { user: FakeGitHubUser; redirectUri: string }>();
  const tokens = new Map<string, FakeGitHubUser>();
  let next: FakeGitHubUser | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const form = req.method === 'POST' ? new URLSearchParams(body) : undefined;
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, form, authorization: req.headers.authorization });

    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (url.searchParams.get('client_id') !== app.clientId || !next) return sendJson(res, 400, { message: 'bad client or nobody signing in' });
      const code = randomBytes(10).toString('hex');
      codes.set(code, { user: next, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const code = form?.get('code') ?? '';
      const grant = codes.get(code);
      codes.delete(code);
      if (form?.get('client_id') !== app.clientId || form?.get('client_secret') !== app.clientSecret)
        return sendJson(res, 200, { error: 'incorrect_client_credentials' });
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return sendJson(res, 200, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, grant.user);
      issuedTokens.push(token);
      return sendJson(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const user = tokens.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (!user) return sendJson(res, 401, { message: 'Bad credentials' });
    if (url.pathname === '/user')
      return sendJson(res, 200, { id: user.id, login: user.login, name: user.name ?? null, avatar_url: `https://avatars.example/${user.id}` });
    if (url.pathname === '/user/emails')
      return sendJson(
        res,
        200,
        user.emails.map((e) => ({ ...e, visibility: null })),
      );
    if (url.pathname === '/user/orgs')
      return sendJson(
        res,
        200,
        user.orgs.map((login, i) => ({ login, id: i + 1 })),
      );
    sendJson(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    issuedTokens,
    signInAs(user) {
      next = user;
    },
  };
}
