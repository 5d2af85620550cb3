import { encode } from "@auth/core/jwt";
import { describe, expect, it } from "vitest";
import { signInConnectionCookie, signInConnectionCookieName, signInConnectionOf } from "@/lib/sign-in/sign-in-connection-cookie";

const SECRET = "unit-test-secret-0123456789abcdefghijklmnop";
const jar = (cookies: Record<string, string>) => ({ get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined) });

describe("the cookie that binds a sign-in to its connection", () => {
  it("gives back the connection for the state it was made with, and for no other state", async () => {
    const cookie = await signInConnectionCookie("conn-a", "state-1", SECRET, false);
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    const cookies = jar({ [cookie.name]: cookie.value });
    expect(await signInConnectionOf(cookies, "state-1", SECRET, false)).toEqual({ ok: true, connectionId: "conn-a" });
    // The answer of another sign-in (another state) cannot be completed with this connection.
    expect(await signInConnectionOf(cookies, "state-2", SECRET, false)).toEqual({ ok: false, reason: "state" });
    expect(await signInConnectionOf(cookies, null, SECRET, false)).toEqual({ ok: false, reason: "state" });
  });

  it("cannot be read, changed or made up without AUTH_SECRET", async () => {
    const cookie = await signInConnectionCookie("conn-a", "state-1", SECRET, false);
    expect(cookie.value).not.toContain("conn-a");
    expect(await signInConnectionOf(jar({ [cookie.name]: cookie.value }), "state-1", "another-secret-0123456789abcdefghijklmnop", false)).toEqual({ ok: false, reason: "missing_check_cookie" });
    const tampered = cookie.value.slice(0, -4) + (cookie.value.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await signInConnectionOf(jar({ [cookie.name]: tampered }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "missing_check_cookie" });
    // Sealed under another cookie's salt (Auth.js's state cookie, say): not ours.
    const otherSalt = await encode({ token: { connectionId: "conn-b", state: "state-1" }, secret: SECRET, salt: "authjs.state", maxAge: 900 });
    expect(await signInConnectionOf(jar({ [cookie.name]: otherSalt }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "missing_check_cookie" });
    expect(await signInConnectionOf(jar({}), "state-1", SECRET, false)).toEqual({ ok: false, reason: "missing_check_cookie" });
  });

  it("is __Host- and Secure on https, so a sibling subdomain cannot plant one", async () => {
    const cookie = await signInConnectionCookie("conn-a", "s", SECRET, true);
    expect(cookie.name).toBe(`__Host-${signInConnectionCookieName(false)}`);
    expect(cookie.options.secure).toBe(true);
    expect(await signInConnectionOf(jar({ [signInConnectionCookieName(false)]: cookie.value }), "s", SECRET, true)).toEqual({ ok: false, reason: "missing_check_cookie" });
  });
});
