// The id that ties a request's log lines together. A caller (a load balancer, a test, a support engineer with curl)
// may send its own in X-Request-Id; it is kept when it is short and of safe characters, since it goes into every
// log line and back into the response. Otherwise one is made. No "server-only": proxy.ts uses it too.

export const REQUEST_ID_HEADER = "x-request-id";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdFrom(headers: Headers): string {
  const sent = headers.get(REQUEST_ID_HEADER)?.trim();
  return sent && SAFE_REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
}
