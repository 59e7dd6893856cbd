// Toxiproxy's ApiError values (api.go) and Go's http.Error, which writes them as text/plain with a trailing newline.
import type { ServerResponse } from 'node:http';
import { goJson } from '../toxic.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  json(): string {
    return `{"error":${goJson(this.message)},"status":${this.status}}`;
  }
}

/** joinError: "bad request body: <cause>" keeping the wrapper's status. */
export const wrapError = (wrapper: ApiError, cause: string): ApiError => new ApiError(`${wrapper.message}: ${cause}`, wrapper.status);

export const ErrBadRequestBody = new ApiError('bad request body', 400);
export const ErrMissingField = new ApiError('missing required field', 400);
export const ErrProxyNotFound = new ApiError('proxy not found', 404);
export const ErrProxyAlreadyExists = new ApiError('proxy already exists', 409);
export const ErrInvalidStream = new ApiError('stream was invalid, can be either upstream or downstream', 400);
export const ErrInvalidToxicType = new ApiError('invalid toxic type', 400);
export const ErrToxicAlreadyExists = new ApiError('toxic already exists', 409);
export const ErrToxicNotFound = new ApiError('toxic not found', 404);

/** Any other error becomes a 500 with its message, as apiError does. */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(err instanceof Error ? err.message : String(err), 500);
}

/** Go's http.Error(w, text, status). */
export function httpError(res: ServerResponse, text: string, status: number): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendApiError(res: ServerResponse, err: unknown): void {
  const e = asApiError(err);
  httpError(res, e.json(), e.status);
}
