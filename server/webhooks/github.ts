// POST /api/webhooks/github. GitHub's headers and payloads; a delivery is
// trusted only after its X-Hub-Signature-256 checks out against the repo's
// secret (constant time), recorded once per X-GitHub-Delivery (a redelivery
// gets the first answer), and turned into at most one run.
import crypto from 'node:crypto';
import type { Db } from '../db/client';
import type { WebhookOutcome } from '../db/generated/enums';
import type { SecretBox } from '../domain/auth/secret-box';
import { triggerRun, type TriggerDeps, type TriggerOutcome } from '../domain/run/trigger-run';
import type { Logger } from '../log';
import {
  AnyPayload,
  PR_ACTIONS_THAT_RUN,
  PullRequestPayload,
  PushPayload,
  repositoryUrls,
  ZERO_SHA,
} from './github-payloads';
import { BodyTooLarge, readBody } from './read-body';

export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface WebhookDeps extends TriggerDeps {
  box: SecretBox;
  log: Logger;
}

interface RepoRow {
  id: string;
  name: string;
  cloneUrl: string;
  configPath: string;
  defaultBranch: string;
  webhookSecretEnc: string;
}

function reply(status: number, body: object, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

export function signatureMatches(secret: string, body: Buffer, header: string | null): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  const given = Buffer.from(header.slice('sha256='.length), 'utf8');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

async function findRepo(db: Db, payload: unknown, explicit: string | null): Promise<RepoRow | null> {
  const select = {
    id: true,
    name: true,
    cloneUrl: true,
    configPath: true,
    defaultBranch: true,
    webhookSecretEnc: true,
  } as const;
  if (explicit) return db.repo.findUnique({ where: { name: explicit }, select });
  const parsed = AnyPayload.safeParse(payload);
  const repository = parsed.success ? parsed.data.repository : undefined;
  if (!repository) return null;
  const urls = repositoryUrls(repository);
  return db.repo.findFirst({
    where: { OR: [{ name: repository.full_name }, ...(urls.length ? [{ cloneUrl: { in: urls } }] : [])] },
    select,
  });
}

export async function handleGithubWebhook(deps: WebhookDeps, req: Request): Promise<Response> {
  const event = req.headers.get('x-github-event');
  const deliveryId = req.headers.get('x-github-delivery');
  if (!event || !deliveryId) return reply(400, { error: 'X-GitHub-Event and X-GitHub-Delivery headers are required' });
  if (deliveryId.length > 200) return reply(400, { error: 'X-GitHub-Delivery is too long' });

  let body: Buffer;
  try {
    body = await readBody(req, MAX_WEBHOOK_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLarge) return reply(413, { error: 'Payload over 5 MiB' });
    throw err;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return reply(400, { error: 'The body is not JSON (set the webhook content type to application/json)' });
  }

  const repo = await findRepo(deps.db, payload, new URL(req.url).searchParams.get('repo'));
  if (!repo) return reply(404, { error: 'No repository registered for this webhook' });
  if (!signatureMatches(deps.box.open(repo.webhookSecretEnc), body, req.headers.get('x-hub-signature-256'))) {
    return reply(401, { error: 'Signature missing or wrong (X-Hub-Signature-256)' });
  }

  // Record the delivery once; a redelivery of a processed one replays its answer.
  const inserted = await deps.db.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (delivery_id, event, repo_id, outcome, http_status, payload_sha256, payload_bytes, received_at)
    VALUES (${deliveryId}, ${event}, ${repo.id}::uuid, 'received', 202,
            ${crypto.createHash('sha256').update(body).digest('hex')}, ${body.length}, ${deps.now()})
    ON CONFLICT (delivery_id) DO NOTHING RETURNING id`;
  if (inserted.length === 0) {
    const first = await deps.db.webhookDelivery.findUniqueOrThrow({ where: { deliveryId } });
    if (first.outcome !== 'failed') {
      return reply(
        first.httpStatus,
        { delivery: deliveryId, outcome: first.outcome, runId: first.runId, message: first.message, replayed: true },
        { 'x-switchyard-replayed': 'true' },
      );
    }
    // A delivery that failed on our side is processed again when GitHub redelivers it.
  }

  let outcome: WebhookOutcome;
  let status: number;
  let message: string;
  let runId: string | null = null;
  try {
    const result = await processEvent(deps, repo, event, payload, deliveryId);
    if (result.outcome === 'run_created') {
      outcome = 'run_created';
      status = 202;
      runId = result.run.id;
      message = `run #${result.run.number} ${result.run.status}`;
    } else if (result.outcome === 'ignored') {
      outcome = 'ignored';
      status = 200;
      message = result.reason;
    } else {
      outcome = 'rejected';
      status = 400;
      message = result.reason;
    }
  } catch (err) {
    deps.log.error({ err, deliveryId, event }, 'webhook processing failed');
    outcome = 'failed';
    status = 500;
    message = err instanceof Error ? err.message : String(err);
  }
  await deps.db.webhookDelivery.update({
    where: { deliveryId },
    data: { outcome, httpStatus: status, message, runId, processedAt: deps.now() },
  });
  return reply(status, { delivery: deliveryId, outcome, runId, message });
}

type EventResult = TriggerOutcome | { outcome: 'rejected'; reason: string };

async function processEvent(
  deps: WebhookDeps,
  repo: RepoRow,
  event: string,
  payload: unknown,
  deliveryId: string,
): Promise<EventResult> {
  const target = {
    id: repo.id,
    cloneUrl: repo.cloneUrl,
    configPath: repo.configPath,
    defaultBranch: repo.defaultBranch,
  };
  if (event === 'ping') return { outcome: 'ignored', reason: 'pong' };
  if (event === 'push') {
    const push = PushPayload.safeParse(payload);
    if (!push.success) return { outcome: 'rejected', reason: `not a push payload: ${push.error.issues[0]?.message}` };
    const p = push.data;
    if (p.deleted || ZERO_SHA.test(p.after)) return { outcome: 'ignored', reason: `${p.ref} was deleted` };
    const branch = p.ref.startsWith('refs/heads/') ? p.ref.slice('refs/heads/'.length) : null;
    const tag = p.ref.startsWith('refs/tags/') ? p.ref.slice('refs/tags/'.length) : null;
    if (!branch && !tag) return { outcome: 'ignored', reason: `${p.ref} is neither a branch nor a tag` };
    return triggerRun(deps, {
      repo: target,
      trigger: 'push',
      sha: p.after,
      branch,
      tag,
      actor: p.sender?.login ?? p.pusher?.name ?? null,
      webhookDeliveryId: deliveryId,
      pushedAt: p.head_commit?.timestamp ? new Date(p.head_commit.timestamp) : deps.now(),
    });
  }
  if (event === 'pull_request') {
    const pr = PullRequestPayload.safeParse(payload);
    if (!pr.success)
      return { outcome: 'rejected', reason: `not a pull_request payload: ${pr.error.issues[0]?.message}` };
    const p = pr.data;
    if (!PR_ACTIONS_THAT_RUN.has(p.action)) return { outcome: 'ignored', reason: `pull request ${p.action}` };
    return triggerRun(deps, {
      repo: target,
      trigger: 'pr',
      sha: p.pull_request.head.sha,
      branch: p.pull_request.head.ref,
      prNumber: p.number,
      // A deleted fork has no head repo: treat it as a fork.
      fromFork: p.pull_request.head.repo?.full_name !== p.repository.full_name,
      actor: p.sender?.login ?? null,
      webhookDeliveryId: deliveryId,
      pushedAt: deps.now(),
    });
  }
  return { outcome: 'ignored', reason: `${event} events start nothing` };
}
