import 'reflect-metadata';
import { Type as Class, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CreatePaymentDto } from '../payments/dto/create-payment.dto';
import { CreateRefundDto } from '../refunds/dto/create-refund.dto';
import { acceptorFor } from './accepted-body';
import { MoneyDto } from './money.dto';
import { createValidationPipe, VALIDATION_OPTIONS } from './validation';

/** Nest's pipe alone, as it was before the fast path: the reference every verdict is checked on. */
const reference = new ValidationPipe(VALIDATION_OPTIONS);

type Body = Record<string, unknown>;

const VALID: [Class, Body][] = [
  [
    CreatePaymentDto,
    {
      partnerReferenceNo: 'ORDER-2026-0001',
      amount: { value: '15000.00', currency: 'IDR' },
      returnUrl: 'https://shop.example/orders/ORDER-2026-0001',
      deviceId: 'device12345',
      ipAddress: '203.0.113.7',
      orderTitle: 'Kopi susu x2',
      validUpTo: '2030-01-01T10:00:00+07:00',
      pointOfInitiation: 'app',
      deepLink: true,
      channel: 'DANA',
    },
  ],
  [
    CreateRefundDto,
    {
      amount: { value: '5000.00', currency: 'IDR' },
      reason: 'Customer cancelled one item',
      partnerRefundNo: 'RF-1',
    },
  ],
];

/** Values each field is tried with: right and wrong types, edges of lengths and patterns. */
const TRIED: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(255),
  'x'.repeat(256),
  'ORDER 1',
  'ORDER-\u00e9',
  'abc\u0000',
  '15000.00',
  '0.00',
  '15000',
  '1.5',
  'IDR',
  'idr',
  'USD',
  'https://a.example/x',
  'http://localhost:3000/x',
  'ftp://a.example/x',
  '//a.example/x',
  'app',
  'pc',
  'DANA',
  'OVO',
  '203.0.113.7',
  '::1',
  '999.1.1.1',
  '2030-01-01T10:00:00+07:00',
  '2030-01-01T10:00:00',
  '2001-01-01T10:00:00+07:00',
  'device12345',
  0,
  1,
  15000,
  true,
  false,
  {},
  [],
  ['x'],
  { value: '1.00', currency: 'IDR' },
  { value: '1.00', currency: 'IDR', extra: 1 },
  { value: 1, currency: 'IDR' },
];

/**
 * Fields named after Object.prototype's members: class-transformer drops a field named like a
 * method of the class (toString), and class-validator's whitelist finds `constructor` on its own
 * map and lets it through. The fast path refuses both and leaves the verdict to the pipe (the body
 * parser refuses `constructor` before either sees it).
 */
const INHERITED_NAMES = ['constructor', 'toString'];

function variants(valid: Body): unknown[] {
  const out: unknown[] = [valid, null, 'text', 42, [], [valid], {}];
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...without } = valid;
    out.push(without);
    for (const value of TRIED) out.push({ ...valid, [key]: value });
    const nested = valid[key];
    if (nested && typeof nested === 'object') {
      for (const inner of Object.keys(nested)) {
        const { [inner]: _gone, ...innerWithout } = nested as Body;
        out.push({ ...valid, [key]: innerWithout });
        for (const value of TRIED) out.push({ ...valid, [key]: { ...nested, [inner]: value } });
      }
      out.push({ ...valid, [key]: { ...nested, unknown: 'x' } });
    }
  }
  out.push({ ...valid, unknown: 'x' }, { ...valid, constructor: 'x' }, { ...valid, toString: 'x' });
  return out;
}

async function verdictOf(dto: Class, body: unknown): Promise<object | 'refused'> {
  try {
    return (await reference.transform(structuredClone(body), {
      type: 'body',
      metatype: dto as never,
    })) as object;
  } catch {
    return 'refused';
  }
}

describe('the fast path for bodies that pass', () => {
  it.each(VALID)(
    'agrees with class-validator on every variant of a %o body',
    async (dto, valid) => {
      const accept = acceptorFor(dto);
      expect(accept, 'the DTO has a plan').toBeDefined();
      let accepted = 0;
      let refused = 0;
      for (const body of variants(valid)) {
        const expected = await verdictOf(dto, body);
        const fast = accept!(structuredClone(body));
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          // Not an object: the fast path never says yes; the pipe refuses it (validation.ts).
          expect(fast).toBeUndefined();
          await expect(
            createValidationPipe().transform(body, { type: 'body', metatype: dto }),
          ).rejects.toMatchObject({ status: 400 });
        } else if (expected === 'refused') {
          expect(fast, JSON.stringify(body)).toBeUndefined();
          refused++;
        } else if (INHERITED_NAMES.some((name) => Object.hasOwn(body as Body, name))) {
          expect(fast).toBeUndefined();
        } else {
          expect(fast, JSON.stringify(body)).toBeInstanceOf(dto);
          expect(fast).toEqual(expected);
          accepted++;
        }
      }
      // Both verdicts occur, many times: the comparison means something.
      expect(accepted).toBeGreaterThan(20);
      expect(refused).toBeGreaterThan(100);
    },
  );

  it('builds the nested class, as class-transformer does', () => {
    const payment = acceptorFor(CreatePaymentDto)!(
      structuredClone(VALID[0][1]),
    ) as CreatePaymentDto;
    expect(payment.amount).toBeInstanceOf(MoneyDto);
  });

  it('makes no plan for what it does not cover, and the pipe still validates those classes', async () => {
    class Grouped {
      @IsString({ groups: ['admin'] }) note: string;
    }
    class Each {
      @IsInt({ each: true }) counts: number[];
    }
    class Untyped {
      @ValidateNested() money: MoneyDto;
    }
    for (const dto of [Grouped, Each, Untyped]) expect(acceptorFor(dto)).toBeUndefined();
    await expect(
      createValidationPipe().transform({ counts: [1, 'x'] }, { type: 'body', metatype: Each }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('builds nested instances before any rule runs, as the pipe does, for rules reading another property', async () => {
    // Declared before `amount`: its condition looks at `amount` as class-transformer built it.
    class Labelled {
      @ValidateIf((o: { amount?: unknown }) => o.amount instanceof MoneyDto)
      @IsString()
      label?: string;
      @ValidateNested() @Type(() => MoneyDto) amount: MoneyDto;
    }
    const body = { label: 5, amount: { value: '1.00', currency: 'IDR' } };
    expect(await verdictOf(Labelled, body)).toBe('refused');
    expect(acceptorFor(Labelled)!(structuredClone(body))).toBeUndefined();
    expect(acceptorFor(Labelled)!({ ...body, label: 'gift' })).toBeInstanceOf(Labelled);
  });

  it('answers through the pipe with the same details as before for a refused body', async () => {
    const body = { ...VALID[1][1], amount: { value: '1', currency: 'USD' }, extra: true };
    const errorOf = (p: ValidationPipe) =>
      p.transform(body, { type: 'body', metatype: CreateRefundDto }).catch((e: unknown) => e);
    expect(await errorOf(createValidationPipe())).toEqual(await errorOf(reference));
  });
});
