import { NextRequest } from "next/server";
import { MAX_BODY_BYTES } from "./max-body-bytes.mjs";
import { apiError } from "../errors/api-errors";

/** The most a POST may send (authenticated or not): its JSON or form fields fit many times over. */
export const MAX_UNAUTHENTICATED_BODY_BYTES: number = MAX_BODY_BYTES;

export type LimitedBody = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; response: Response };

/** 413 `payload_too_large`, in the API's JSON shape. */
export function payloadTooLargeResponse(maxBytes: number = MAX_UNAUTHENTICATED_BODY_BYTES): Response {
  return apiError("payload_too_large", { message: `The request body is larger than the ${Math.floor(maxBytes / 1024)} KiB this endpoint accepts.` });
}

function unreadableBodyResponse(): Response {
  return apiError("invalid_request", { message: "The request body could not be read." });
}

/**
 * Reads the whole body, refusing it (413) once it passes `maxBytes`: by its Content-Length
 * before reading anything, and by counting while reading, since a chunked body declares no
 * length. Nothing past the limit is buffered.
 */
export async function readLimitedBody(request: Request, maxBytes: number = MAX_UNAUTHENTICATED_BODY_BYTES): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= maxBytes)) return { ok: false, response: payloadTooLargeResponse(maxBytes) };
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, response: payloadTooLargeResponse(maxBytes) };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, response: unreadableBodyResponse() };
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** readLimitedBody, then JSON: `value` is null when the body is not JSON (the caller decides). */
export async function readLimitedJson(request: Request, maxBytes?: number): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const body = await readLimitedBody(request, maxBytes);
  if (!body.ok) return body;
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(body.bytes)) };
  } catch {
    return { ok: true, value: null };
  }
}

/**
 * readLimitedBody, then the same request around the bytes read, for code that reads the
 * body itself (Auth.js's handlers, `request.formData()`).
 */
export async function withLimitedBody(request: Request, maxBytes?: number): Promise<{ ok: true; request: NextRequest } | { ok: false; response: Response }> {
  const body = await readLimitedBody(request, maxBytes);
  if (!body.ok) return body;
  return { ok: true, request: new NextRequest(request.url, { method: request.method, headers: request.headers, body: body.bytes }) };
}

/** readLimitedBody, then an HTML form's fields (application/x-www-form-urlencoded). */
export async function readLimitedForm(request: Request, maxBytes?: number): Promise<{ ok: true; form: URLSearchParams } | { ok: false; response: Response }> {
  const body = await readLimitedBody(request, maxBytes);
  if (!body.ok) return body;
  return { ok: true, form: new URLSearchParams(new TextDecoder().decode(body.bytes)) };
}
