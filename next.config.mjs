import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A lockfile elsewhere on the machine must not make Turbopack pick another root.
  turbopack: { root },
  // Keep node-only packages out of the server bundle.
  serverExternalPackages: ['pg', 'pino', 'pg-boss', '@prisma/adapter-pg'],
  // Do not let `next dev` write agent files into the project.
  agentRules: false,
  experimental: { agentUpgrade: false },
  poweredByHeader: false,
};

export default nextConfig;
