import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyChannelSpec } from '../../src/channels/channel-spec';
import { SNAP_CHANNELS } from '../../src/channels/registry';
import { prepareRequest } from '../../src/client';
import { SnapValidationError } from '../../src/errors';
import { classifyResponse } from '../../src/http/outcome';
import { redirectUrlOf } from '../../src/operations/jump-app-payment';

/** A payment operation of the spec, or one of its binding's (accountBinding, balance ...). */
type Operation = string;

interface Recorded {
  channel: string;
  dokuChannel: string;
  /** A family of channels of one format (virtual accounts): `$dokuChannel` stands for each code. */
  family?: [string, string][];
  requests: {
    case: string;
    operation: Operation;
    input: unknown;
    customer: Record<string, string>;
    method: string;
    path: string;
    body: string;
    /** The body as doku-channels.md gives it: the same fields and values as `body`. */
    documented?: string;
    headers: Record<string, string>;
  }[];
  refusals: {
    case: string;
    operation: Operation;
    input: unknown;
    customer: Record<string, string>;
    field: string;
  }[];
  answers: {
    case: string;
    operation: Operation;
    httpStatus: number;
    body: { responseCode: string; responseMessage: string };
    outcome: string;
    redirectUrl?: string;
    /** The customer-token answer says the customer unlinked the account. */
    unlinked?: boolean;
    /** What the channel reads of a status answer. */
    report?: Record<string, unknown>;
  }[];
  states: [string, string | null][];
  notification: { path: string; serviceCode: string; statuses: string[] };
}

const DIR = join(__dirname, 'recorded');
/** A family's recording, once per member, its code written in. */
const members = (text: string): Recorded[] => {
  const recorded = JSON.parse(text) as Recorded;
  if (!recorded.family) return [recorded];
  return recorded.family.map(
    ([channel, dokuChannel]) =>
      ({
        ...(JSON.parse(text.replaceAll('$dokuChannel', dokuChannel)) as Recorded),
        channel,
        dokuChannel,
      }) as Recorded,
  );
};
const recordings: Recorded[] = readdirSync(DIR).flatMap((f) =>
  members(readFileSync(join(DIR, f), 'utf8')),
);

const operationOf = (spec: AnyChannelSpec, operation: Operation) => {
  const op =
    operation === 'payment' ||
    operation === 'status' ||
    operation === 'refund' ||
    operation === 'cancel'
      ? spec[operation]
      : spec.binding?.[operation as 'accountBinding' | 'accountUnbinding' | 'balance'];
  if (!op) throw new Error(`${spec.channel} has no ${operation} operation`);
  return op;
};

/** Every registered channel's spec against the SNAP bodies recorded for it. */
describe('channel specs over recorded SNAP bodies', () => {
  it('every registered channel has its recording, and every recording its channel', () => {
    expect(recordings.map((r) => r.channel).sort()).toEqual(
      SNAP_CHANNELS.map((c) => c.channel).sort(),
    );
  });

  for (const recorded of recordings) {
    const spec = SNAP_CHANNELS.find((c) => c.channel === recorded.channel)!;

    describe(recorded.channel, () => {
      it("has DOKU's code and notification", () => {
        expect(spec.dokuChannel).toBe(recorded.dokuChannel);
        expect(spec.notification).toEqual(recorded.notification);
      });

      it.each(recorded.requests)('request: $case', (r) => {
        const op = operationOf(spec, r.operation);
        const prepared = prepareRequest(op, r.input, '1', r.customer);
        expect({
          method: prepared.method,
          path: prepared.path,
          body: prepared.body,
          headers: prepared.headers,
        }).toEqual({ method: r.method, path: r.path, body: r.body, headers: r.headers });
        if (r.documented) expect(JSON.parse(prepared.body)).toEqual(JSON.parse(r.documented));
      });

      it.each(recorded.refusals)('refused before sending: $case', (r) => {
        const op = operationOf(spec, r.operation);
        let field: string | undefined;
        try {
          prepareRequest(op, r.input, '1', r.customer);
        } catch (err) {
          expect(err).toBeInstanceOf(SnapValidationError);
          field = (err as SnapValidationError).field;
        }
        expect(field).toBe(r.field);
      });

      it.each(recorded.answers)('answer: $case', (a) => {
        expect(classifyResponse(a.httpStatus, a.body.responseCode).kind).toBe(a.outcome);
        if (a.redirectUrl) expect(redirectUrlOf(a.body)).toBe(a.redirectUrl);
        if (a.report) expect(spec.statusReport(a.body)).toEqual(a.report);
        if (a.unlinked !== undefined)
          expect(spec.binding?.unlinked(a.body.responseCode)).toBe(a.unlinked);
      });

      it.each(recorded.states)('latestTransactionStatus %s is %s', (latest, state) => {
        expect(spec.paymentState(latest) ?? null).toBe(state);
      });
    });
  }
});
