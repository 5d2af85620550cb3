export declare const DEV_DEFAULTS: Readonly<{
  appPort: number;
  oidcPort: number;
  embeddedDbPort: number;
  clientId: string;
  clientSecret: string;
  acmeOidcPort: number;
  acmeClientId: string;
  acmeClientSecret: string;
  scopes: string;
  sessionIdleMinutes: number;
  initialAdminEmails: readonly string[];
}>;
export declare function devIssuer(port?: number): string;
export declare function embeddedDatabaseUrl(port?: number): string;
