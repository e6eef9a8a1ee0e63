import type { FastifyInstance } from 'fastify';

/**
 * Once the service starts to close, every answer still to be sent closes its connection. Without
 * it, a kept-alive connection whose request was in progress when closing began stays open after
 * its answer until the keep-alive timeout (72 s), and the shutdown waits for it, past a
 * supervisor's grace period.
 */
export function closeConnectionsWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
}
