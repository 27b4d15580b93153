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

/** Asks for a job of the runner's pool, waiting up to `waitMs` for one. */
export const ClaimRequest = z.object({ waitMs: z.number().int().min(0).max(30_000).default(25_000) });
export type ClaimRequest = z.infer<typeof ClaimRequest>;

/** A chunk of an attempt's output. Chunks are numbered from 0; resending one is harmless. */
export const LogChunk = z.object({
  token: z.string().min(10),
  seq: z.number().int().min(0).max(10_000_000),
  text: z.string().max(1024 * 1024),
});
export type LogChunk = z.infer<typeof LogChunk>;

/** An attempt's sign of life; the answer says whether to stop (cancelled). */
export const Heartbeat = z.object({ token: z.string().min(10) });
export type Heartbeat = z.infer<typeof Heartbeat>;

/** How an attempt ended, as the runner saw it. The server decides the job's status. */
export const AttemptResult = z.object({
  token: z.string().min(10),
  exitCode: z.number().int().nullable(),
  reason: z.enum(['exit_code', 'timeout', 'runner_error', 'cancelled']),
  message: z.string().max(2000).optional(),
});
export type AttemptResult = z.infer<typeof AttemptResult>;

/** Artifact names, as the config allows them: safe in URLs and storage keys. */
export const ArtifactName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "an artifact name uses letters, digits, '.', '_' and '-'");

/** An artifact archive the runner is about to upload, or has uploaded. */
export const ArtifactAnnouncement = z.object({
  token: z.string().min(10),
  name: ArtifactName,
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});
export type ArtifactAnnouncement = z.infer<typeof ArtifactAnnouncement>;

/** The largest JUnit report a runner sends (bytes); a larger file is reported as a problem instead. */
export const TEST_REPORT_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A JUnit XML file matched by the job's `reports.junit`, sent before the attempt
 * completes (so completion can take quarantined tests into account). Either its
 * text, or the problem that kept the runner from sending it.
 */
export const TestReportUpload = z
  .object({
    token: z.string().min(10),
    /** Workspace-relative path of the file. */
    path: z.string().min(1).max(1000),
    sizeBytes: z.number().int().min(0),
    content: z.string().max(TEST_REPORT_MAX_BYTES).optional(),
    problem: z.string().min(1).max(500).optional(),
  })
  .refine((r) => (r.content === undefined) !== (r.problem === undefined), {
    message: 'send either the content or the problem',
  });
export type TestReportUpload = z.infer<typeof TestReportUpload>;
