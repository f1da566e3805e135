// The API key must never reach a log line, an error or a recorded attempt. Requests are recorded without their
// credentials, and any text vintrace sends back is scrubbed in case it echoes them.

import "server-only";
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);

/** The request as the sync engine may store it: every header except the credentials, the body as sent. */
export function redactRequest(request: { method: string; url: string; headers?: HeadersInit; body?: unknown }): RecordedRequest {
  const headers: Record<string, string> = {};
  new Headers(request.headers).forEach((value, name) => {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase())) headers[name] = value;
  });
  return { method: request.method, url: request.url, headers, body: request.body ?? null };
}

/** Replaces every occurrence of the secrets in a text. */
export function scrubSecrets(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((scrubbed, secret) => scrubbed.split(secret).join("[redacted]"), text);
}
