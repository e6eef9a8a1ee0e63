import { Inject, Injectable } from '@nestjs/common';
import { Clock, snapTimestamp } from '@app/doku-snap';
import { PaymentEntity, PaymentsRepository } from '@app/persistence';
import type { IssuedAccount } from '../channels/channel-adapter';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK } from '../config/tokens';

/**
 * Customer numbers are zero-padded to this many digits: with a 5-digit BIN the customer types 17
 * digits, within every bank's VA length; 10^12 numbers outlast any merchant.
 */
export const CUSTOMER_NO_DIGITS = 12;

/** How long a virtual account takes payments when the caller sets no validUpTo (issue 22: 24 h). */
export const DEFAULT_ACCOUNT_VALIDITY_MS = 24 * 3_600_000;

/**
 * Numbers drawn from the database at a time. A process keeps those it has not used yet; when it
 * stops they are skipped (never reused), which costs nothing but gaps.
 */
export const CUSTOMER_NO_BLOCK = 50;

/**
 * Issues the accounts payments are paid into (virtual accounts): the bank's BIN from
 * DOKU_VA_BINS and a customer number from the database's sequence, unique across replicas and
 * restarts. Drawn a block at a time: one round trip per block, not per payment.
 */
@Injectable()
export class PaymentAccounts {
  private readonly drawn: string[] = [];
  private refill?: Promise<void>;

  constructor(
    private readonly payments: PaymentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(channel: string): Promise<IssuedAccount> {
    const bin = this.config.channels.vaBins[channel];
    // Settings refuse an enabled bank without a BIN; a payment of one since disabled never gets here.
    if (!bin) throw new Error(`no BIN for ${channel}`);
    return {
      bin,
      customerNo: (await this.nextCustomerNo()).padStart(CUSTOMER_NO_DIGITS, '0'),
      defaultValidUpTo: snapTimestamp(this.clock.now() + DEFAULT_ACCOUNT_VALIDITY_MS),
    };
  }

  private async nextCustomerNo(): Promise<string> {
    for (;;) {
      const next = this.drawn.shift();
      if (next !== undefined) return next;
      // One refill at a time: callers arriving meanwhile wait for it rather than draw their own.
      this.refill ??= this.payments
        .drawAccountCustomerNos(CUSTOMER_NO_BLOCK)
        .then((numbers) => {
          this.drawn.push(...numbers);
        })
        .finally(() => {
          this.refill = undefined;
        });
      await this.refill;
    }
  }
}

/** The account a stored payment was issued (undefined for channels that issue none). */
export function issuedOf(payment: PaymentEntity): IssuedAccount | undefined {
  const { bin, customerNo, expiresAt } = payment.channelInput;
  if (typeof bin !== 'string' || typeof customerNo !== 'string') return undefined;
  return { bin, customerNo, defaultValidUpTo: String(expiresAt) };
}
