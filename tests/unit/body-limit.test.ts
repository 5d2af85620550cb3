import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { MAX_UNAUTHENTICATED_BODY_BYTES, readLimitedBody, readLimitedForm, readLimitedJson, withLimitedBody } from "@/lib/http/body-limit";

const URL = "http://localhost:3000/api/auth/refresh";
const KIB = 1024;

/** A chunked body (no Content-Length) of `chunks` KiB, counting how many chunks were pulled. */
function chunkedBody(chunks: number) {
  const pulled = { count: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.count === chunks) return controller.close();
      pulled.count += 1;
      controller.enqueue(new Uint8Array(KIB).fill(0x61));
    },
  });
  return { stream, pulled };
}

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request(URL, { method: "POST", body, headers, duplex: "half" } as RequestInit);

async function expectTooLarge(outcome: Awaited<ReturnType<typeof readLimitedBody>>) {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.response.status).toBe(413);
  expect(outcome.response.headers.get("cache-control")).toBe("no-store");
  expect(await outcome.response.json()).toMatchObject({ error: "payload_too_large" });
}

describe("readLimitedBody", () => {
  it("is 16 KiB", () => expect(MAX_UNAUTHENTICATED_BODY_BYTES).toBe(16 * KIB));

  it("accepts a body of exactly the limit and refuses one byte more", async () => {
    const exact = await readLimitedBody(post("a".repeat(16 * KIB)));
    expect(exact).toMatchObject({ ok: true });
    if (exact.ok) expect(exact.bytes.byteLength).toBe(16 * KIB);
    await expectTooLarge(await readLimitedBody(post("a".repeat(16 * KIB + 1))));
  });

  it("refuses by Content-Length without reading the body", async () => {
    const { stream, pulled } = chunkedBody(17);
    await expectTooLarge(await readLimitedBody(post(stream, { "content-length": String(17 * KIB) })));
    expect(pulled.count).toBeLessThanOrEqual(1);
  });

  it("counts a chunked body, which declares no length, and stops reading past the limit", async () => {
    const small = chunkedBody(3);
    expect(await readLimitedBody(post(small.stream))).toMatchObject({ ok: true });
    const { stream, pulled } = chunkedBody(1000);
    await expectTooLarge(await readLimitedBody(post(stream)));
    expect(pulled.count).toBeLessThan(20);
  });

  it("does not believe a Content-Length smaller than what is sent", async () => {
    const { stream } = chunkedBody(17);
    await expectTooLarge(await readLimitedBody(post(stream, { "content-length": "10" })));
  });

  it("answers 400 when the body cannot be read", async () => {
    const broken = new ReadableStream<Uint8Array>({ pull: () => Promise.reject(new Error("connection reset")) });
    const outcome = await readLimitedBody(post(broken));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.response.status).toBe(400);
  });
});

describe("readLimitedJson and withLimitedBody", () => {
  it("parses JSON, giving null for a body that is not JSON", async () => {
    expect(await readLimitedJson(post('{"refresh_token":"x"}'))).toEqual({ ok: true, value: { refresh_token: "x" } });
    expect(await readLimitedJson(post("{not json"))).toEqual({ ok: true, value: null });
    const tooLarge = await readLimitedJson(post(JSON.stringify({ refresh_token: "x".repeat(17 * KIB) })));
    expect(tooLarge.ok).toBe(false);
  });

  it("hands on a request whose form the next reader can still read", async () => {
    const form = new URLSearchParams({ csrfToken: "t", callbackUrl: "/profile" });
    const original = new NextRequest("http://localhost:3000/api/auth/signin/oidc", { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const limited = await withLimitedBody(original);
    expect(limited.ok).toBe(true);
    if (!limited.ok) return;
    expect(limited.request.nextUrl.pathname).toBe("/api/auth/signin/oidc");
    expect(Object.fromEntries((await limited.request.formData()).entries())).toEqual({ csrfToken: "t", callbackUrl: "/profile" });
  });
});

describe("readLimitedForm", () => {
  it("gives an HTML form's fields, and refuses a form over the limit rather than reading it as empty", async () => {
    const form = await readLimitedForm(post("email=pat%40acme.test&callbackUrl=%2Fprofile", { "content-type": "application/x-www-form-urlencoded" }));
    expect(form.ok && Object.fromEntries(form.form)).toEqual({ email: "pat@acme.test", callbackUrl: "/profile" });
    const oversized = await readLimitedForm(post(`email=${"a".repeat(16 * KIB)}`));
    expect(oversized.ok).toBe(false);
    if (!oversized.ok) expect(oversized.response.status).toBe(413);
  });
});
