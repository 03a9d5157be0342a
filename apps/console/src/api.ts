/**
 * The admin API, exactly as every other client calls it: the browser sends the operator session
 * cookie (HttpOnly: this script never sees it) and, on changes, its Origin, which the hub checks.
 * The page holds no credential and decides nothing: a refusal comes back as a problem document.
 */
const ADMIN_API = '/admin/v1';
export const SIGN_IN = '/admin/sign-in?next=%2Fconsole';

interface Problem {
  title?: string;
  detail?: string;
  status?: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    problem: Problem,
  ) {
    super(problem.detail ? `${problem.title ?? 'Error'}: ${problem.detail}` : (problem.title ?? `HTTP ${status}`));
  }
}

export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${ADMIN_API}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      Accept: 'application/json',
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 401) {
    // the sign-in expired or was ended elsewhere: sign in again and come back
    window.location.assign(SIGN_IN);
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A query string from the defined values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
