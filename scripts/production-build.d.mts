export declare function migrateAndBuild(options: { root: string; env: NodeJS.ProcessEnv; build: boolean; log: (message: string) => void }): void;
