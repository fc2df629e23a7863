/**
 * The one way the console talks to the staff API (/api/staff): JSON in and out, the session's CSRF
 * token on every state-changing request, the language of the page in Accept-Language, and
 * problem+json answers turned into an ApiError that keeps the stable `code` and the field errors.
 */
export const apiBase = '/api/staff';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem document as the staff API sends it. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status: number;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: readonly FieldProblem[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly problem: Problem,
    /** From the Retry-After header (sign-in lockout). */
    readonly retryAfterSeconds: number | null,
    /** The request path (without /api/staff), for messages about routes not served yet. */
    readonly path: string,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }

  /**
   * The route is not there yet (the API's generic 404 `NOT_FOUND`, as opposed to a domain 404 such as
   * WARNING_NOT_FOUND), or the read model behind it is not wired (503).
   */
  get unavailable(): boolean {
    return (this.status === 404 && this.code === 'NOT_FOUND') || this.status === 405 || this.status === 501 || this.status === 503;
  }
}

let csrfToken: string | null = null;
let language = 'zh-CN';
const unauthenticatedListeners = new Set<() => void>();

export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};
export const setApiLanguage = (lang: string): void => {
  language = lang;
};
/** Told when a request answers 401: the session ended (expired, signed out elsewhere). */
export const onUnauthenticated = (listener: () => void): void => {
  unauthenticatedListeners.add(listener);
};

export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

export const withQuery = (path: string, query?: Query): string => {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

/**
 * The address of a file the browser downloads itself (an <a download> link sends no Accept-Language
 * of ours): the page's language goes in the query, so the file speaks the language chosen here.
 */
export const downloadUrl = (path: string, query?: Query): string => `${apiBase}${withQuery(path, { ...query, lang: language })}`;

export interface RequestOptions {
  readonly query?: Query;
  readonly json?: unknown;
  /** Raw bytes (evidence upload) with their media type. */
  readonly blob?: Blob;
  /** Required by the warning actions: the same key makes a retried request act once. */
  readonly idempotencyKey?: string;
  /** Do not report a 401 as "session ended" (the sign-in form shows it itself). */
  readonly quiet401?: boolean;
}

const readProblem = async (response: Response): Promise<Problem> => {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      return { ...body, status: response.status };
    } catch {
      // An unreadable error body: fall through to the status alone.
    }
  }
  return { status: response.status, title: response.statusText };
};

export const request = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.blob) {
    headers['content-type'] = options.blob.type || 'application/octet-stream';
    body = options.blob;
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${apiBase}${withQuery(path, options.query)}`, { method, headers, body, credentials: 'same-origin' });
  if (!response.ok) {
    const problem = await readProblem(response);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 401 && !options.quiet401) for (const listener of unauthenticatedListeners) listener();
    throw new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, problem, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, path);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
};

export const get = <T>(path: string, query?: Query): Promise<T> => request<T>('GET', path, query ? { query } : {});

/** A fresh Idempotency-Key for one submission of a form (kept across its retries). */
export const newIdempotencyKey = (): string => crypto.randomUUID();

/**
 * The form's key was already spent on a submission with other content (its answer was lost, then the
 * form was edited): that submission took effect, so the form takes a new key for this content.
 */
export const isIdempotencyKeyReused = (failure: unknown): boolean => failure instanceof ApiError && failure.code === 'IDEMPOTENCY_KEY_REUSED';
