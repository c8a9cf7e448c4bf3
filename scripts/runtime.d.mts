// Types for runtime.mjs, which TypeScript code (the bench) imports.
export declare function electronBinary(): string | null;
export declare function pickRuntime(): { cmd: string; env: Record<string, string>; name: string };
export declare const CORE_V8_FLAGS: readonly string[];
