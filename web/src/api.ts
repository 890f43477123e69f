// The one client of the Palermo HTTP API (/api/v1). Every failed call ends as an ApiError,
// parsed in one place from the server's application/problem+json (RFC 9457) body.

export interface User {
  id: number;
  login: string;
  display_name: string;
  roles: string[];
  /** The user's agency (null: none, e.g. an administrator of the system). */
  agency_id?: number | null;
  must_change_password: boolean;
  /** Whether the user's roles need a second factor (identity access, administration). */
  second_factor_required?: boolean;
  totp_enabled?: boolean;
}

/** Body of POST /auth/totp/setup: the secret, shown once, and the otpauth:// URI for a QR code. */
export interface TotpSetup {
  secret: string;
  uri: string;
}

/** What the user may keep on a registered device and work offline (docs/offline.md). */
export interface OfflineSettings {
  /** The record types the user's roles keep offline; none: the user cannot register a device. */
  types: string[];
  /** Days a device may go without syncing before it expires. */
  expire_days: number;
  /** Minutes without input after which an unlocked device locks itself. */
  lock_minutes: number;
}

/** Body of GET /auth/me and POST /auth/login. */
export interface Session {
  user: User;
  csrf_token: string;
  /** Absent from a server without devices. */
  offline?: OfflineSettings;
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** Codes the client itself gives to failures that never reached a problem+json body. */
export const NETWORK_ERROR = 'network';
export const BAD_RESPONSE = 'http.bad_response';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string;
  readonly errors: readonly FieldError[];
  /** Seconds to wait, from a Retry-After header (429, 503). */
  readonly retryAfter: number | undefined;
  /** The whole problem object (some carry more, e.g. an import's report with line numbers). */
  readonly body: Readonly<Record<string, unknown>> | undefined;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    requestId?: string;
    errors?: readonly FieldError[];
    retryAfter?: number | undefined;
    body?: Record<string, unknown> | undefined;
  }) {
    super(init.detail || init.title || `${init.status} ${init.code}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail ?? '';
    this.requestId = init.requestId ?? '';
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
    this.body = init.body;
  }

  /** Field errors of one field (a form shows them next to it). */
  fieldErrors(field: string): FieldError[] {
    return this.errors.filter((e) => e.field === field);
  }
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function fieldErrorsOf(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  const out: FieldError[] = [];
  for (const e of v) {
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      const field = str(o.field) ?? '';
      const code = str(o.code) ?? '';
      if (field || code) out.push({ field, code, message: str(o.message) ?? '' });
    }
  }
  return out;
}

/**
 * Turns a failed response (status, Content-Type, body text, Retry-After) into an ApiError.
 * Pure, so that it is unit-tested without a server. A body that is not a JSON object (a proxy's
 * HTML error page, say) still gives an ApiError, with code `http.<status>`.
 */
export function parseProblem(
  status: number,
  contentType: string | null,
  body: string,
  retryAfter?: string | null,
): ApiError {
  let obj: Record<string, unknown> | undefined;
  if (/json/i.test(contentType ?? '') || body.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) obj = parsed as Record<string, unknown>;
    } catch {
      obj = undefined;
    }
  }
  const bodyStatus = obj && typeof obj.status === 'number' ? obj.status : undefined;
  return new ApiError({
    status: status || bodyStatus || 0,
    code: str(obj?.code) || `http.${status}`,
    title: str(obj?.title) ?? '',
    detail: str(obj?.detail) ?? '',
    requestId: str(obj?.request_id) ?? '',
    errors: fieldErrorsOf(obj?.errors),
    retryAfter: parseRetryAfter(retryAfter),
    body: obj,
  });
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  base?: string;
  /** Sent as Accept-Language, so that the server may word its messages in the user's language. */
  language?: () => string;
}

export class ApiClient {
  private readonly fetchFn: FetchLike;
  /** Told after each request whether an answer came (true) or the network failed (false). */
  private readonly networkListeners = new Set<(answered: boolean) => void>();
  private readonly base: string;
  private readonly language: () => string;
  /** From the last /auth/me or /auth/login; sent back as X-CSRF-Token on unsafe requests. */
  csrfToken = '';

  constructor(options: ApiClientOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.base = options.base ?? '/api/v1';
    this.language = options.language ?? (() => document.documentElement.lang || 'az');
  }

  /** Calls `listener` after every request: whether an answer came back; returns the unsubscribe. */
  onNetwork(listener: (answered: boolean) => void): () => void {
    this.networkListeners.add(listener);
    return () => this.networkListeners.delete(listener);
  }

  private network(answered: boolean): void {
    for (const l of this.networkListeners) l(answered);
  }

  /** One request; resolves to the parsed JSON body (undefined for 204), rejects with ApiError. */
  async request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': this.language(),
      ...extraHeaders,
    };
    // Nothing is kept by the browser (records are personal data), except the schema: it is the
    // same for everyone and changes only with the server, which answers 304 to its ETag.
    const cache: RequestCache = method === 'GET' && path === '/schema' ? 'no-cache' : 'no-store';
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;

    let response: Response;
    try {
      response = await this.fetchFn(this.base + path, init);
    } catch (e) {
      this.network(false);
      throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: e instanceof Error ? e.message : String(e) });
    }
    this.network(true);
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw parseProblem(
        response.status,
        response.headers.get('Content-Type'),
        text,
        response.headers.get('Retry-After'),
      );
    }
    if (response.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError({ status: response.status, code: BAD_RESPONSE, detail: 'The response is not JSON.' });
    }
  }

  /**
   * A GET whose answer is not JSON (a text file to download): resolves to its text and headers,
   * rejects with ApiError (the problem+json body of a failure parsed as for every other call).
   */
  async getText(path: string): Promise<{ text: string; headers: Headers; status: number }> {
    const headers: Record<string, string> = {
      Accept: 'text/plain, application/problem+json',
      'Accept-Language': this.language(),
    };
    let response: Response;
    try {
      response = await this.fetchFn(this.base + path, { method: 'GET', headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: e instanceof Error ? e.message : String(e) });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw parseProblem(response.status, response.headers.get('Content-Type'), text, response.headers.get('Retry-After'));
    return { text, headers: response.headers, status: response.status };
  }

  /** POSTs a raw body (a file, a CSV text) with its media type; resolves to the parsed JSON answer. */
  async postRaw<T>(path: string, body: Blob | string, contentType: string): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': this.language(),
      'Content-Type': contentType || 'application/octet-stream',
    };
    if (this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchFn(this.base + path, { method: 'POST', headers, body, credentials: 'same-origin' });
    } catch (e) {
      throw new ApiError({ status: 0, code: NETWORK_ERROR, detail: e instanceof Error ? e.message : String(e) });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw parseProblem(response.status, response.headers.get('Content-Type'), text, response.headers.get('Retry-After'));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError({ status: response.status, code: BAD_RESPONSE, detail: 'The response is not JSON.' });
    }
  }

  /** Uploads a file for an attachment field (POST /attachments/{type}/{field}); resolves to its info. */
  upload(type: string, field: string, file: File): Promise<{ id: string; name: string; size: number; media_type: string }> {
    return this.postRaw(`/attachments/${type}/${field}?name=${encodeURIComponent(file.name)}`, file, file.type);
  }

  private remember(s: Session): Session {
    if (!s || typeof s !== 'object' || !s.user || typeof s.csrf_token !== 'string') {
      throw new ApiError({ status: 200, code: BAD_RESPONSE, detail: 'The session body is malformed.' });
    }
    this.csrfToken = s.csrf_token;
    return s;
  }

  async me(): Promise<Session> {
    return this.remember(await this.request<Session>('GET', '/auth/me'));
  }

  async login(login: string, password: string, totp?: string): Promise<Session> {
    const body: Record<string, string> = { login, password };
    if (totp) body.totp = totp;
    return this.remember(await this.request<Session>('POST', '/auth/login', body));
  }

  async totpSetup(): Promise<TotpSetup> {
    return this.request<TotpSetup>('POST', '/auth/totp/setup');
  }

  async totpConfirm(code: string): Promise<void> {
    await this.request<void>('POST', '/auth/totp/confirm', { code });
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.request<void>('POST', '/auth/password', {
      current_password: currentPassword,
      new_password: newPassword,
    });
  }

  async logout(): Promise<void> {
    try {
      await this.request<void>('POST', '/auth/logout');
    } finally {
      this.csrfToken = '';
    }
  }
}

export const api = new ApiClient();

/** A stored record as the records API returns it. */
export interface RecordBody {
  id: number;
  type: string;
  version: number;
  state?: string;
  data: Record<string, unknown>;
  created_at: string;
  created_by: number;
  updated_at: string;
  updated_by: number;
  /** The registering agency (absent on records of servers before it was given). */
  agency_id?: number;
  /** Present when the record is deleted (soft delete; restorable). */
  deleted?: { at: string; by: number; reason?: string };
  deadlines?: unknown;
}

export interface ListBody {
  items: RecordBody[];
  next_cursor?: string;
  total?: number;
}

/** Query string from a map; empty values are left out. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export const records = {
  list: (type: string, params: Record<string, string | number | boolean | undefined>) =>
    api.request<ListBody>('GET', `/records/${type}${query(params)}`),
  get: (type: string, id: number, fields?: string[]) =>
    api.request<RecordBody>('GET', `/records/${type}/${id}${fields ? query({ fields: fields.join(',') }) : ''}`),
  /** `idempotencyKey`: the same key again answers the record the first request made (a retry after a lost answer). */
  create: (type: string, data: Record<string, unknown>, idempotencyKey?: string) =>
    api.request<RecordBody>('POST', `/records/${type}`, data, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined),
  update: (type: string, id: number, version: number, patch: Record<string, unknown>) =>
    api.request<RecordBody>('PATCH', `/records/${type}/${id}`, patch, { 'If-Match': `"${version}"` }),
  remove: (type: string, id: number, version: number, reason: string) =>
    api.request<RecordBody>('DELETE', `/records/${type}/${id}`, { reason }, { 'If-Match': `"${version}"` }),
  restore: (type: string, id: number, version: number) =>
    api.request<RecordBody>('POST', `/records/${type}/${id}/restore`, undefined, { 'If-Match': `"${version}"` }),
  transition: (type: string, id: number, version: number, name: string, patch: Record<string, unknown>) =>
    api.request<RecordBody>('POST', `/records/${type}/${id}/transitions/${name}`, patch, { 'If-Match': `"${version}"` }),
};

/**
 * A new key naming one create (docs/records.md, "Idempotent creates"): 32 random hex digits.
 * Sent again with the same body it gives the record already made instead of a second one.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
