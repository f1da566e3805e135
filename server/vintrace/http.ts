// One call to vintrace v6: credentials, a timeout on every call, JSON in and out, and every outcome turned into a
// VintraceResult. Nothing here throws for a vintrace failure, and the API key is kept out of everything it returns.
import "server-only";
import type { z } from "zod";
import { logger } from "@/server/observability/log";
import { endpointLabel, metrics } from "@/server/observability/metrics";
import { classifyFailure, fail, rejected, succeed, transient, vintraceMessageOf, type VintraceError, type VintraceResult } from "./errors";
import { redactRequest, scrubSecrets, type RecordedRequest } from "./redact";

export interface VintraceConnection {
  /** the customer URL, https://<region>.vintrace.net/<code>; the client appends /api/v6 */
  baseUrl: string;
  apiKey: string;
  authScheme: "BEARER" | "BASIC";
  /** per call, connecting and reading the body included; default 15 s */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** sees every call, already redacted: how the sync engine records attempts */
  onExchange?: (exchange: VintraceExchange) => void;
}

export interface VintraceExchange {
  request: RecordedRequest;
  status: number | null;
  responseBody: string | null;
  durationMs: number;
  error: VintraceError | null;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface VintraceCall<T> {
  method: "GET" | "POST";
  /** below /api/v6, e.g. "/sales-order/list" */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** what was asked for, for a 404's message: "sales order 12" */
  what: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export type Send = <T>(call: VintraceCall<T>) => Promise<VintraceResult<T>>;

export function createSender(connection: VintraceConnection): Send {
  const base = connection.baseUrl.replace(/\/+$/, "");
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = connection.fetch ?? fetch;
  const basic = Buffer.from(connection.apiKey.includes(":") ? connection.apiKey : `${connection.apiKey}:`).toString("base64");
  const authorization = connection.authScheme === "BASIC" ? `Basic ${basic}` : `Bearer ${connection.apiKey}`;
  const secrets = [connection.apiKey, basic];

  return async function send<T>(call: VintraceCall<T>): Promise<VintraceResult<T>> {
    const url = new URL(`${base}/api/v6${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: "application/json", Authorization: authorization };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    const started = performance.now();
    const record = (status: number | null, responseBody: string | null, result: VintraceResult<T>) => {
      const seconds = (performance.now() - started) / 1000;
      const endpoint = endpointLabel(call.path);
      metrics().vintraceRequestSeconds.observe({ method: call.method, endpoint, status: status === null ? "network_error" : String(status) }, seconds);
      // The path and status only: the query and body may name customers, and the key never leaves `headers`.
      logger().debug({ method: call.method, endpoint, status, ms: Math.round(seconds * 1000), errorClass: result.ok ? null : result.error.class }, "vintrace call");
      try {
        connection.onExchange?.({
          request: redactRequest({ method: call.method, url: url.toString(), headers, body: call.body }),
          status,
          responseBody,
          durationMs: Math.round(performance.now() - started),
          error: result.ok ? null : result.error,
        });
      } catch {
        // A recorder that fails must not turn a delivered sales order into an error.
      }
      return result;
    };

    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect from vintrace means a wrong address; following it could leak the key to another host.
        redirect: "manual",
      });
      text = scrubSecrets(await response.text(), secrets);
    } catch (cause) {
      return record(null, null, fail(networkError(cause, timeoutMs)));
    }
    return record(response.status, text, interpret(response, text, call));
  };
}

function interpret<T>(response: Response, text: string, call: VintraceCall<T>): VintraceResult<T> {
  const json = parseJson(text);
  if (response.status < 200 || response.status >= 300) return fail(classifyFailure(response.status, json, response.headers, call.what));
  if (json === undefined) {
    const type = response.headers.get("content-type")?.split(";")[0] ?? "no content type";
    return fail(transient(`vintrace sent a reply we could not read (HTTP ${response.status}, ${type}); we will try again.`, response.status));
  }
  if (isErrorEnvelope(json)) return fail(rejected(response.status, vintraceMessageOf(json)));
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "reply";
    return fail(transient(`vintrace's reply was not what we expected (${where}: ${issue?.message}); we will try again.`, response.status));
  }
  return succeed(parsed.data);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** v6 reports some failures as a 200 whose status is not "Success". */
function isErrorEnvelope(json: unknown): boolean {
  if (!json || typeof json !== "object" || Array.isArray(json)) return false;
  const status = (json as Record<string, unknown>).status;
  return typeof status === "string" && status.toLowerCase() === "error";
}

function networkError(cause: unknown, timeoutMs: number): VintraceError {
  const name = cause instanceof Error ? cause.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return transient(`vintrace did not answer within ${Math.round(timeoutMs / 100) / 10} seconds; we will try again.`);
  }
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : null;
  const code = inner && "code" in inner && typeof inner.code === "string" ? inner.code : (inner?.message ?? (cause instanceof Error ? cause.message : "network error"));
  return transient(`Could not reach vintrace (${code}); we will try again.`);
}
