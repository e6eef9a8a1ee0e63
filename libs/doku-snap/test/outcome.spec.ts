import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyTransportError, Outcome } from '../src/http/outcome';
import { parseResponseCode } from '../src/http/response-code';

type Row = [httpStatus: number, responseCode: unknown, expected: Outcome, why: string];

const outcome = (kind: Outcome['kind'], ambiguous = false, replay = false): Outcome => ({
  kind,
  ambiguous,
  replay,
});

const rows: Row[] = [
  [200, '2005400', outcome('success'), 'payment accepted'],
  [200, '2005500', outcome('success'), 'status answered'],
  [200, '2007300', outcome('success'), 'token issued'],
  [202, '2025400', outcome('in_progress'), 'DOKU has not finished: poll status'],
  [202, undefined, outcome('retry_later', true), '2xx without a readable body'],
  [409, '2005400', outcome('success', false, true), 'replay of a same-id same-body resend'],
  [409, '2025400', outcome('in_progress', false, true), 'replay of an in-progress answer'],
  [409, '4095400', outcome('check_status', true), 'an X-EXTERNAL-ID DOKU has seen, no replay'],
  [409, '4095401', outcome('check_status', true), 'duplicate partnerReferenceNo: DOKU has it'],
  [409, '4095801', outcome('check_status', true), 'duplicate partnerRefundNo: DOKU has it'],
  [409, undefined, outcome('check_status', true), 'a 409 without a readable body'],
  [401, '4015401', outcome('refresh_token'), 'Invalid Token (B2B)'],
  [401, '4015403', outcome('refresh_token'), 'Token Not Found (B2B)'],
  [401, '4015801', outcome('refresh_token'), 'refund service, same rule'],
  [
    401,
    '4015400',
    outcome('failure'),
    'Unauthorized: signature or client, a new token will not help',
  ],
  [401, '4015402', outcome('failure'), 'customer token: not ours to refresh'],
  [400, '4005401', outcome('failure'), 'invalid field format'],
  [404, '4045418', outcome('failure'), 'inconsistent request'],
  [403, '4035414', outcome('failure'), 'insufficient funds'],
  [429, '4295400', outcome('retry_later'), 'too many requests'],
  [429, undefined, outcome('retry_later'), 'too many requests from a proxy, no body'],
  [500, '5005400', outcome('retry_later', true), 'general error'],
  [500, '5005401', outcome('retry_later', true), 'internal server error'],
  [503, undefined, outcome('retry_later', true), 'gateway page instead of JSON'],
  [504, '5045400', outcome('retry_later', true), 'DOKU timed out behind the scenes'],
  [504, undefined, outcome('retry_later', true), 'proxy timeout'],
  [200, undefined, outcome('retry_later', true), '2xx with an unreadable body: we cannot tell'],
  [200, '20054000', outcome('retry_later', true), 'malformed 8-digit code as in DOKU docs'],
  [200, 2005400, outcome('retry_later', true), 'code as a number is not a SNAP code'],
  [401, undefined, outcome('failure'), 'bare 401 without a SNAP code'],
];

describe('classifyResponse', () => {
  it.each(rows)('HTTP %i, responseCode %j', (status, code, expected) => {
    expect(classifyResponse(status, code)).toEqual(expected);
  });

  it('a transport failure (timeout, network) is retry_later and ambiguous', () => {
    expect(classifyTransportError()).toEqual(outcome('retry_later', true));
  });
});

describe('parseResponseCode', () => {
  it('splits HHHSSCC', () => {
    expect(parseResponseCode('4015401')).toEqual({
      code: '4015401',
      httpStatus: 401,
      service: '54',
      caseCode: '01',
    });
  });

  it.each(['20054000', '2000500x', '200540', '', '6005400', '0005400', null, 2005400, {}])(
    'rejects %j',
    (code) => {
      expect(parseResponseCode(code)).toBeNull();
    },
  );
});
