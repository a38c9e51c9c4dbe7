// The signed-channel protocol, as one import for the control plane.
export * from './headers.ts';
export * from './keys.ts';
export * from './log-options.ts';
export * from './messages.ts';
export * from './ndjson.ts';
export * from './nonce-cache.ts';
export * from './response-signing.ts';
export * from './signing.ts';
