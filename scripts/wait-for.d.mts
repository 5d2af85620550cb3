export declare function portOpen(port: number): Promise<boolean>;
export declare function waitFor(description: string, check: () => Promise<unknown>, timeoutMs?: number): Promise<void>;
