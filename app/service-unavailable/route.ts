import type { NextRequest } from "next/server";
import { getEnv } from "@/lib/config/env";
import { NONCE_REQUEST_HEADER } from "@/lib/http/security-headers.mjs";
import { serviceUnavailablePage } from "@/lib/http/service-unavailable";

export const dynamic = "force-dynamic";

/** The pages' 503 (lib/http/service-unavailable.ts): where a page goes when the database is down. */
export function GET(request: NextRequest) {
  return serviceUnavailablePage({
    nonce: request.headers.get(NONCE_REQUEST_HEADER),
    from: request.nextUrl.searchParams.get("from"),
    appUrl: getEnv().authUrl,
  });
}
