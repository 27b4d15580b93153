// What a runner sends the server, validated on both sides. The runner imports
// only from server/contracts and its own folder.
import { z } from 'zod';

export const RunnerRegistration = z.object({
  registrationToken: z.string().min(10),
  name: z.string().trim().min(1).max(100),
  pool: z.string().trim().min(1).max(100).optional(),
  labels: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  version: z.string().max(50).optional(),
  hostname: z.string().max(255).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});
export type RunnerRegistration = z.infer<typeof RunnerRegistration>;

/** A runner's periodic sign of life. */
export const RunnerPing = z.object({
  version: z.string().max(50).optional(),
  hostname: z.string().max(255).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});
export type RunnerPing = z.infer<typeof RunnerPing>;
