// The benchmark's anchor: Auth.js wired by hand, the way its own docs show it, with the same
// generic OIDC provider and JWT sessions as the console but no database and no checks of ours.
// `npm run bench` times its callback beside the console's (scripts/bench/sign-in.mjs).
import NextAuth from "next-auth";

const { handlers } = NextAuth({
  providers: [
    {
      id: "oidc",
      name: "anchor",
      type: "oidc",
      issuer: process.env.OIDC_ISSUER,
      clientId: process.env.OIDC_CLIENT_ID,
      clientSecret: process.env.OIDC_CLIENT_SECRET,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
    },
  ],
  session: { strategy: "jwt" },
  secret: process.env.AUTH_SECRET,
  trustHost: true,
});

export const { GET, POST } = handlers;
