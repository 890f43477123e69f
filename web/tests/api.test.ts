import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, NETWORK_ERROR, newIdempotencyKey, parseProblem, parseRetryAfter, type FetchLike } from '../src/api';

const PROBLEM = 'application/problem+json';

function respond(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : body, { status, headers });
}

/** A fetch that records the requests it gets and answers from a queue. */
function fakeFetch(...answers: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const a = answers.shift();
    if (!a) throw new Error('unexpected request');
    if (a instanceof Error) throw a;
    return a;
  };
  return { fetch, calls };
}

const SESSION = {
  user: { id: 1, login: 'admin', display_name: 'Administrator', roles: ['admin'], must_change_password: true },
  csrf_token: 'tok-123',
};

describe('parseProblem', () => {
  it('reads every RFC 9457 member the server sends', () => {
    const e = parseProblem(
      422,
      PROBLEM,
      JSON.stringify({
        type: 'urn:palermo:problem:validation.failed',
        title: 'Unprocessable Content',
        status: 422,
        detail: 'The request has invalid fields; see errors.',
        code: 'validation.failed',
        request_id: 'r-42',
        errors: [
          { field: 'new_password', code: 'too_short', message: 'must be at least 12 characters' },
          { field: 'current_password', code: 'mismatch', message: 'is not your current password' },
        ],
      }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBe(422);
    expect(e.code).toBe('validation.failed');
    expect(e.title).toBe('Unprocessable Content');
    expect(e.detail).toBe('The request has invalid fields; see errors.');
    expect(e.message).toBe(e.detail);
    expect(e.requestId).toBe('r-42');
    expect(e.errors).toHaveLength(2);
    expect(e.fieldErrors('new_password')).toEqual([
      { field: 'new_password', code: 'too_short', message: 'must be at least 12 characters' },
    ]);
    expect(e.fieldErrors('login')).toEqual([]);
  });

  it('takes Retry-After seconds for 429', () => {
    const e = parseProblem(429, PROBLEM, '{"status":429,"code":"auth.locked","detail":"locked"}', '900');
    expect(e.code).toBe('auth.locked');
    expect(e.retryAfter).toBe(900);
  });

  it('copes with a body that is not a problem', () => {
    const html = parseProblem(502, 'text/html', '<html>Bad gateway</html>');
    expect(html.status).toBe(502);
    expect(html.code).toBe('http.502');
    expect(html.detail).toBe('');
    expect(html.errors).toEqual([]);

    const broken = parseProblem(500, PROBLEM, '{"code":');
    expect(broken.code).toBe('http.500');

    const array = parseProblem(400, 'application/json', '[1,2]');
    expect(array.code).toBe('http.400');
  });

  it('ignores malformed members', () => {
    const e = parseProblem(422, PROBLEM, JSON.stringify({ code: 7, detail: null, errors: [null, 'x', { field: 'a' }] }));
    expect(e.code).toBe('http.422');
    expect(e.detail).toBe('');
    expect(e.errors).toEqual([{ field: 'a', code: '', message: '' }]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(' 5 ')).toBe(5);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:10:00 GMT', now)).toBe(600);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('ApiClient', () => {
  const language = () => 'az';

  it('login posts JSON and remembers the CSRF token for later unsafe requests', async () => {
    const { fetch, calls } = fakeFetch(
      respond(200, JSON.stringify(SESSION), { 'Content-Type': 'application/json' }),
      respond(204, ''),
      respond(204, ''),
    );
    const client = new ApiClient({ fetch, language });
    const s = await client.login('admin', 'secret');
    expect(s.user.display_name).toBe('Administrator');
    expect(client.csrfToken).toBe('tok-123');
    expect(calls[0]!.url).toBe('/api/v1/auth/login');
    expect(calls[0]!.init!.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init!.body as string)).toEqual({ login: 'admin', password: 'secret' });
    const h0 = calls[0]!.init!.headers as Record<string, string>;
    expect(h0['Content-Type']).toBe('application/json');
    expect(h0['Accept-Language']).toBe('az');
    expect(h0['X-CSRF-Token']).toBeUndefined();

    await expect(client.changePassword('old-password', 'new-password-123')).resolves.toBeUndefined();
    expect(calls[1]!.url).toBe('/api/v1/auth/password');
    expect(JSON.parse(calls[1]!.init!.body as string)).toEqual({
      current_password: 'old-password',
      new_password: 'new-password-123',
    });
    expect((calls[1]!.init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-123');

    await client.logout();
    expect(calls[2]!.url).toBe('/api/v1/auth/logout');
    expect((calls[2]!.init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok-123');
    expect(client.csrfToken).toBe('');
  });

  it('me sends no CSRF header and no body', async () => {
    const { fetch, calls } = fakeFetch(respond(200, JSON.stringify(SESSION)));
    const client = new ApiClient({ fetch, language });
    client.csrfToken = 'old';
    await client.me();
    expect(calls[0]!.init!.method).toBe('GET');
    expect(calls[0]!.init!.body).toBeUndefined();
    expect((calls[0]!.init!.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
    expect(client.csrfToken).toBe('tok-123');
  });

  it('rejects with the parsed problem', async () => {
    const { fetch } = fakeFetch(
      respond(401, '{"status":401,"code":"auth.invalid_credentials","detail":"The login or the password is wrong."}', {
        'Content-Type': PROBLEM,
      }),
      respond(429, '{"status":429,"code":"auth.locked"}', { 'Content-Type': PROBLEM, 'Retry-After': '60' }),
    );
    const client = new ApiClient({ fetch, language });
    const e1 = await client.login('admin', 'bad').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ApiError);
    expect((e1 as ApiError).status).toBe(401);
    expect((e1 as ApiError).code).toBe('auth.invalid_credentials');
    const e2 = (await client.login('admin', 'bad').catch((e: unknown) => e)) as ApiError;
    expect(e2.status).toBe(429);
    expect(e2.retryAfter).toBe(60);
    expect(client.csrfToken).toBe('');
  });

  it('turns a failed fetch into a network ApiError', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'));
    const e = (await new ApiClient({ fetch, language }).me().catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);
    expect(e.code).toBe(NETWORK_ERROR);
  });

  it('rejects a 200 whose body is not a session', async () => {
    const { fetch } = fakeFetch(respond(200, '<html></html>'), respond(200, '{"user":null}'));
    const client = new ApiClient({ fetch, language });
    await expect(client.me()).rejects.toBeInstanceOf(ApiError);
    await expect(client.me()).rejects.toMatchObject({ code: 'http.bad_response' });
  });
});

describe('newIdempotencyKey', () => {
  it('is 32 hex digits the server accepts, new each time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{32}$/);
  });
});
