import { KeyObject } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { B2B_TOKEN_PATH } from '../../src/operations/token';
import { verifyTokenRequestSignature } from '../../src/signing/notification';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Token requests only: X-SIGNATURE verified with the merchant's public key. */
  tokenSignatureValid?: boolean;
}

export interface Reply {
  status: number;
  /** An object is sent as JSON; a string is sent as it is (to fake unreadable or odd bodies). */
  body?: unknown;
  delayMs?: number;
  /** Never answer: the connection stays open until the test closes the server. */
  hang?: boolean;
}

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface FakeDokuOptions {
  /** Verifies the RSA signature of token requests. */
  merchantPublicKey: KeyObject;
  /** Answers token requests; by default `token-1`, `token-2`, ... valid for 900 s. */
  onToken?: Handler;
  /** Answers every other path; by default 200 / 2005400. */
  onCall?: Handler;
}

export function tokenReply(accessToken: string, expiresIn: number | string = 900): Reply {
  return {
    status: 200,
    body: {
      responseCode: '2007300',
      responseMessage: 'Successful',
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
      additionalInfo: '',
    },
  };
}

export function snapReply(status: number, responseCode: string, extra: object = {}): Reply {
  return { status, body: { responseCode, responseMessage: 'fake', ...extra } };
}

/**
 * A minimal DOKU on a loopback port: a token endpoint that checks the merchant's RSA signature the
 * way DOKU does, and one catch-all transactional endpoint. It records every request it gets.
 */
export class FakeDoku {
  readonly tokenRequests: RecordedRequest[] = [];
  readonly calls: RecordedRequest[] = [];

  private readonly server: Server;
  private url = '';

  private constructor(private readonly options: FakeDokuOptions) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        void this.answer(recorded, res);
      });
    });
  }

  static async start(options: FakeDokuOptions): Promise<FakeDoku> {
    const fake = new FakeDoku(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  get baseUrl(): string {
    return this.url;
  }

  /** The token request count is what single-flight tests are about. */
  get tokenCount(): number {
    return this.tokenRequests.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: RecordedRequest, res: ServerResponse) {
    const options = this.options;
    let reply: Reply;
    if (req.path === B2B_TOKEN_PATH) {
      req.tokenSignatureValid = verifyTokenRequestSignature(
        String(req.headers['x-client-key']),
        String(req.headers['x-timestamp']),
        String(req.headers['x-signature']),
        options.merchantPublicKey,
      );
      const index = this.tokenRequests.push(req) - 1;
      reply = !req.tokenSignatureValid
        ? snapReply(401, '4017300')
        : await (options.onToken ?? ((_r, i) => tokenReply(`token-${i + 1}`)))(req, index);
    } else {
      const index = this.calls.push(req) - 1;
      reply = await (options.onCall ?? (() => snapReply(200, '2005400')))(req, index);
    }
    if (reply.hang) return;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(body);
  }
}
