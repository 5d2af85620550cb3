export declare const EVENT_TYPES: Record<"session-revoked" | "account-disabled" | "account-enabled" | "credential-change-required" | "verification", string>;

type Subject = Record<string, unknown>;
type Pushed = { status: number; body: string; token: string };
type SetOptions = { audience?: string; event: string; subject?: Subject; claims?: Record<string, unknown>; header?: Record<string, unknown> };

export declare function startTransmitter(options?: { host?: string; port?: number }): Promise<{
  issuer: string;
  jwksUri: string;
  signSet(options: SetOptions & { audience: string }): Promise<string>;
  pushSet(endpoint: string, options: SetOptions | string): Promise<Pushed>;
  universalLogout(endpoint: string, subject: Subject, options?: { claims?: Record<string, unknown>; header?: Record<string, unknown> }): Promise<Pushed>;
  close(): Promise<void>;
}>;
