import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** An endpoint's signing key, from its `whsec_<base64>` secret. Never logged: it is the secret. */
export type SigningKey = Buffer & { readonly __signingKey: unique symbol };

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const SECRET_RULE = 'whsec_ and the base64 of 24-64 random bytes';

/** @throws Error (naming no part of the secret) when it is not `whsec_` and 24-64 bytes in base64. */
export function signingKey(secret: string): SigningKey {
  const base64 = SECRET.exec(secret)?.[1];
  const key = base64 === undefined ? undefined : Buffer.from(base64, 'base64');
  if (key === undefined || key.length < 24 || key.length > 64 || key.toString('base64') !== base64)
    throw new Error(`a webhook secret must be ${SECRET_RULE}`);
  return key as SigningKey;
}

/** An endpoint events are pushed to, as configured. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** The current key first; during a rotation the previous one too (both sign). */
  keys: SigningKey[];
  /** The event types it takes: `payment.*`, `refund.succeeded`, `*`; all when none were given. */
  events: string[];
  /** Whether it takes events of `type`. */
  takes(type: string): boolean;
}

const secret = z.string().refine(
  (v) => {
    try {
      signingKey(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: `must be ${SECRET_RULE}` },
);

const endpointSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ or -' }),
  url: z.string().refine(
    (v) => {
      try {
        const url = new URL(v);
        return ['http:', 'https:'].includes(url.protocol) && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { error: 'must be an http or https URL without credentials' },
  ),
  secret,
  previousSecret: secret.optional(),
  events: z
    .array(
      z.string().regex(/^(\*|[a-z_]+\.(\*|[a-z_]+))$/, {
        error: 'must be an event type, <resource>.* or *',
      }),
    )
    .min(1, { error: 'must name at least one event type (leave it out for all)' })
    .optional(),
});

const endpointsSchema = z
  .array(endpointSchema)
  .max(50, { error: 'at most 50 endpoints' })
  .refine((list) => new Set(list.map((e) => e.id)).size === list.length, {
    error: 'endpoint ids must be distinct',
  });

/**
 * WEBHOOK_ENDPOINTS (JSON) or WEBHOOK_ENDPOINTS_FILE (a JSON file), validated: the endpoints, or
 * the problems, one per line, naming the variable and the field but never a value.
 */
export function webhookEndpointsFrom(env: Record<string, string | undefined>): {
  endpoints: WebhookEndpoint[];
  problems: string[];
} {
  const inline = env.WEBHOOK_ENDPOINTS;
  const file = env.WEBHOOK_ENDPOINTS_FILE;
  if (inline !== undefined && file !== undefined)
    return {
      endpoints: [],
      problems: ['WEBHOOK_ENDPOINTS: set WEBHOOK_ENDPOINTS or WEBHOOK_ENDPOINTS_FILE, not both'],
    };
  const name = file !== undefined ? 'WEBHOOK_ENDPOINTS_FILE' : 'WEBHOOK_ENDPOINTS';
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return { endpoints: [], problems: [`${name}: cannot read ${file}`] };
    }
  }
  if (text === undefined) return { endpoints: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { endpoints: [], problems: [`${name}: must be a JSON array of endpoints`] };
  }
  const parsed = endpointsSchema.safeParse(json);
  if (!parsed.success)
    return {
      endpoints: [],
      problems: parsed.error.issues.map(
        (i) => `${name}: ${i.path.length ? `${fieldPath(i.path)}: ` : ''}${i.message}`,
      ),
    };
  return {
    endpoints: parsed.data.map((e) => {
      const events = e.events ?? ['*'];
      return {
        id: e.id,
        url: e.url,
        keys: [e.secret, ...(e.previousSecret ? [e.previousSecret] : [])].map(signingKey),
        events,
        takes: (type: string) =>
          events.some(
            (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
          ),
      };
    }),
    problems: [],
  };
}

/** `[0].events[1]`: where in the array a problem is. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}
