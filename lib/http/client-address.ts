import { isIP } from "node:net";
import { passedPeerAddressHook } from "./peer-address-hook";

/**
 * One X-Forwarded-For entry as an address: trimmed, without a port or brackets that some
 * proxies add ("203.0.113.7:4711", "[2001:db8::1]:443"), IPv4-mapped IPv6 as plain IPv4
 * (a dual-stack socket reports "::ffff:127.0.0.1"), IPv6 in its canonical lowercase form
 * without a zone.
 * Anything else (a name, "unknown", an obfuscated identifier) is null.
 */
export function normalizeAddress(entry: string): string | null {
  let address = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:([\d.]+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  switch (isIP(address)) {
    case 4:
      return address;
    case 6:
      // The URL parser writes IPv6 in one canonical form (RFC 5952), so "2001:DB8:0::1"
      // and "2001:db8::1" are one client, not two. A zone ("fe80::1%eth0") names an
      // interface of this host, not a client, and the URL parser refuses it.
      return new URL(`http://[${address.replace(/%.*$/, "")}]/`).hostname.slice(1, -1);
    default:
      return null;
  }
}

/**
 * The client's address from X-Forwarded-For, as the request reached this app. Each trusted
 * proxy appends the address of its own peer, so with TRUSTED_PROXY_COUNT = N the client is
 * the N-th entry from the right; entries further left were written by the client and prove
 * nothing. With N = 0 the header holds only the socket's address (peer-address-hook.ts
 * writes it), its single, rightmost entry. A header shorter than N (fewer proxies on this
 * path) gives its leftmost entry: every entry in it was written by a trusted proxy.
 */
export function clientAddressFromForwardedFor(forwardedFor: string | null, trustedProxyCount: number): string | null {
  if (!forwardedFor) return null;
  const entries = forwardedFor.split(",");
  const fromRight = Math.max(trustedProxyCount, 1);
  const entry = entries[Math.max(entries.length - fromRight, 0)]!;
  return normalizeAddress(entry);
}

/**
 * The address to rate-limit this request by, or null when it is unknown. A request that did
 * not pass the server hook (one that arrived while the server was still starting) is never
 * believed: its X-Forwarded-For may be the client's own.
 */
export function clientAddress(request: Request, trustedProxyCount: number): string | null {
  if (!passedPeerAddressHook(request.headers)) return null;
  return clientAddressFromForwardedFor(request.headers.get("x-forwarded-for"), trustedProxyCount);
}

/**
 * The part of an address that stands for one client: an IPv4 address whole, an IPv6
 * address by its /64, which is what one subscriber or host is given (counting single IPv6
 * addresses would hand an attacker 2^64 fresh buckets).
 */
export function clientNetwork(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = "", tail = ""] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = address.includes("::") ? [...headGroups, ...zeros, ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).join(":")}::/64`;
}
