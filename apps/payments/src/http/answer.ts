import type { FastifyReply } from 'fastify';
import type { HttpAnswer } from '../idempotency/idempotency.service';

/**
 * Sends an answer of the internal API as its bytes (a replay's are the first answer's), saying
 * whether it replays, and where the resource it made lives (`Location`, for 201 and 202).
 */
export function sendAnswer(
  res: FastifyReply,
  answer: HttpAnswer,
  locationOf: (body: { id?: unknown }) => string,
): string {
  void res.status(answer.status).header('Content-Type', 'application/json; charset=utf-8');
  if (answer.replayed) void res.header('Idempotent-Replayed', 'true');
  if (answer.status === 201 || answer.status === 202) {
    const body = JSON.parse(answer.text) as { id?: unknown };
    if (typeof body.id === 'string') void res.header('Location', locationOf(body));
  }
  return answer.text;
}
