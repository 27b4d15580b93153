// The tRPC router's type, for typed clients outside server/ (runner, CLI).
// A type-only export: nothing of the server is bundled into a client.
export type { AppRouter } from '../api/root';
