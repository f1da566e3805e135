// Reading a request body with a bound: the body is read chunk by chunk and dropped as soon as it passes the limit,
// so neither a false Content-Length nor a chunked body of any length costs more memory than the limit.

/** The body as text, exactly as `Request.text()` would give it, or null once it passes `maxBytes`. */
import "server-only";
export async function readBodyTextUpTo(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await request.body?.cancel();
    return null;
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}
