import { describe, expect, it } from "vitest";
import { signInConnectionCookie, signInConnectionCookieName, signInConnectionOf } from "@/lib/sign-in/sign-in-connection-cookie";

const SECRET = "unit-test-secret-0123456789abcdefghijklmnop";
const jar = (cookies: Record<string, string>) => ({ get: (name: string) => (name in cookies ? { value: cookies[name]! } : undefined) });

describe("the cookie that binds a sign-in to its connection", () => {
  it("gives back the connection for the state it was made with, and for no other state", () => {
    const cookie = signInConnectionCookie("conn-a", "state-1", SECRET, false);
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    const cookies = jar({ [cookie.name]: cookie.value });
    expect(signInConnectionOf(cookies, "state-1", SECRET, false)).toEqual({ ok: true, connectionId: "conn-a", purpose: "sign_in" });
    // The answer of another sign-in (another state) cannot be completed with this connection.
    expect(signInConnectionOf(cookies, "state-2", SECRET, false)).toEqual({ ok: false, reason: "state" });
    expect(signInConnectionOf(cookies, null, SECRET, false)).toEqual({ ok: false, reason: "state" });
  });

  it("cannot be made or changed without AUTH_SECRET: another connection, another tag, another secret are refused", () => {
    const cookie = signInConnectionCookie("conn-a", "state-1", SECRET, false);
    const tagOf = cookie.value.slice(cookie.value.lastIndexOf(".") + 1);
    // The same tag with another connection's id: the mix-up an attacker would try.
    expect(signInConnectionOf(jar({ [cookie.name]: `conn-b.${tagOf}` }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "state" });
    const flipped = `${tagOf.slice(0, -2)}${tagOf.endsWith("AA") ? "BB" : "AA"}`;
    expect(signInConnectionOf(jar({ [cookie.name]: `conn-a.${flipped}` }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "state" });
    expect(signInConnectionOf(jar({ [cookie.name]: cookie.value }), "state-1", "another-secret-0123456789abcdefghijklmnop", false)).toEqual({ ok: false, reason: "state" });
    for (const value of ["", "conn-a", "conn-a.", ".tag"]) expect(signInConnectionOf(jar({ [cookie.name]: value }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "missing_check_cookie" });
    expect(signInConnectionOf(jar({}), "state-1", SECRET, false)).toEqual({ ok: false, reason: "missing_check_cookie" });
  });

  it("tells a setup link's test sign-in from an ordinary one, and neither can be passed off as the other", () => {
    const test = signInConnectionCookie("conn-a", "state-1", SECRET, false, "setup_test");
    expect(signInConnectionOf(jar({ [test.name]: test.value }), "state-1", SECRET, false)).toEqual({ ok: true, connectionId: "conn-a", purpose: "setup_test" });
    const ordinary = signInConnectionCookie("conn-a", "state-1", SECRET, false);
    const tagOf = (value: string) => value.slice(value.lastIndexOf(".") + 1);
    // The test's tag on an ordinary binding (a test answer completed as a real sign-in), and the reverse.
    expect(signInConnectionOf(jar({ [test.name]: `conn-a.${tagOf(test.value)}` }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "state" });
    expect(signInConnectionOf(jar({ [test.name]: `conn-a~setup-test.${tagOf(ordinary.value)}` }), "state-1", SECRET, false)).toEqual({ ok: false, reason: "state" });
  });

  it("is small (the sign-in start's headers must fit a proxy's 4 KiB buffer), __Host- and Secure on https", () => {
    const cookie = signInConnectionCookie("3f2b0c1e-8a4d-4e7b-9c61-2d5f7a9e0b13", "s".repeat(400), SECRET, true);
    expect(cookie.value.length).toBeLessThan(100);
    expect(cookie.name).toBe(`__Host-${signInConnectionCookieName(false)}`);
    expect(cookie.options.secure).toBe(true);
    expect(signInConnectionOf(jar({ [signInConnectionCookieName(false)]: cookie.value }), "s".repeat(400), SECRET, true)).toEqual({ ok: false, reason: "missing_check_cookie" });
  });
});
