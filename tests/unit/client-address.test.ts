import { describe, expect, it } from "vitest";
import { clientAddress, clientAddressFromForwardedFor, clientNetwork, normalizeAddress } from "@/lib/http/client-address";

describe("clientAddressFromForwardedFor", () => {
  it("with no trusted proxy takes the one entry the server hook wrote: the socket's address", () => {
    expect(clientAddressFromForwardedFor("198.51.100.7", 0)).toBe("198.51.100.7");
    expect(clientAddressFromForwardedFor("::ffff:127.0.0.2", 0)).toBe("127.0.0.2");
  });

  it("with N trusted proxies takes the N-th entry from the right, never a client-written one further left", () => {
    // The client wrote "6.6.6.6"; proxy 1 appended the client's address, proxy 2 proxy 1's.
    const header = "6.6.6.6, 203.0.113.9, 10.0.0.2";
    expect(clientAddressFromForwardedFor(header, 1)).toBe("10.0.0.2");
    expect(clientAddressFromForwardedFor(header, 2)).toBe("203.0.113.9");
    expect(clientAddressFromForwardedFor(header, 2)).not.toBe("6.6.6.6");
    expect(clientAddressFromForwardedFor("203.0.113.9,10.0.0.2", 2)).toBe("203.0.113.9");
  });

  it("takes the leftmost entry of a header shorter than the proxy count: all of it came from proxies", () => {
    expect(clientAddressFromForwardedFor("203.0.113.9", 2)).toBe("203.0.113.9");
    expect(clientAddressFromForwardedFor("203.0.113.9, 10.0.0.2", 3)).toBe("203.0.113.9");
  });

  it("gives null, not a guess, for a missing header or a garbage entry in the trusted position", () => {
    expect(clientAddressFromForwardedFor(null, 0)).toBeNull();
    expect(clientAddressFromForwardedFor("", 1)).toBeNull();
    expect(clientAddressFromForwardedFor("unknown", 0)).toBeNull();
    expect(clientAddressFromForwardedFor("203.0.113.9, , 10.0.0.2", 2)).toBeNull();
    expect(clientAddressFromForwardedFor("_hidden, 10.0.0.2", 2)).toBeNull();
    expect(clientAddressFromForwardedFor("999.1.1.1", 0)).toBeNull();
    expect(clientAddressFromForwardedFor("<script>, 10.0.0.2", 2)).toBeNull();
    // Garbage further left than the trusted position does not matter.
    expect(clientAddressFromForwardedFor("garbage, 203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
  });

  it("reads IPv6 entries, with or without brackets and ports, in one canonical form", () => {
    expect(clientAddressFromForwardedFor("2001:DB8:0:0::1", 0)).toBe("2001:db8::1");
    expect(clientAddressFromForwardedFor("[2001:db8::1]:443, 10.0.0.2", 2)).toBe("2001:db8::1");
    expect(clientAddressFromForwardedFor("203.0.113.9:51234, ::1", 2)).toBe("203.0.113.9");
    expect(clientAddressFromForwardedFor("::1", 0)).toBe("::1");
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["  192.0.2.1 ", "192.0.2.1"],
    ["192.0.2.1:8080", "192.0.2.1"],
    ["[::1]", "::1"],
    ["::FFFF:192.0.2.1", "192.0.2.1"],
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
  ])("%s → %s", (entry, expected) => expect(normalizeAddress(entry)).toBe(expected));

  it.each(["", "localhost", "unknown", "1.2.3", "1.2.3.4.5", "2001:db8::1::2", "[1.2.3.4", "1.2.3.4:", "1.2.3.4, 5.6.7.8"])("%j is not an address", (entry) =>
    expect(normalizeAddress(entry)).toBeNull(),
  );
});

describe("clientNetwork", () => {
  it("keeps an IPv4 address whole", () => expect(clientNetwork("203.0.113.9")).toBe("203.0.113.9"));

  it("groups IPv6 addresses by /64, so one host cannot rotate through its own prefix", () => {
    expect(clientNetwork("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientNetwork("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
    expect(clientNetwork("2001:db8:1:3::1")).not.toBe(clientNetwork("2001:db8:1:2::1"));
  });
});

describe("clientAddress", () => {
  it("believes no X-Forwarded-For on a request the server hook did not see", () => {
    const forged = new Request("http://localhost/api/auth/login", {
      headers: { "x-forwarded-for": "203.0.113.9", "x-vsa-peer-checked": "guessed" },
    });
    expect(clientAddress(forged, 0)).toBeNull();
    expect(clientAddress(forged, 1)).toBeNull();
  });
});
