import { Inject, Injectable } from '@nestjs/common';
import { Clock, snapTimestamp } from '@app/doku-snap';
import { PaymentEntity, PaymentsRepository } from '@app/persistence';
import type { ChannelAdapter, IssuedTerms } from '../channels/channel-adapter';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK } from '../config/tokens';

/**
 * Customer numbers are zero-padded to this many digits: with a 5-digit BIN the customer types 17
 * digits, within every bank's VA length; 10^12 numbers outlast any merchant.
 */
export const CUSTOMER_NO_DIGITS = 12;

/**
 * Numbers drawn from the database at a time. A process keeps those it has not used yet; when it
 * stops they are skipped (never reused), which costs nothing but gaps.
 */
export const CUSTOMER_NO_BLOCK = 50;

/**
 * Issues what a payment gets before its request is built (`IssuedTerms`): its default deadline,
 * a virtual account's number (the bank's BIN from DOKU_VA_BINS and a customer number from the
 * database's sequence, unique across replicas and restarts, drawn a block at a time), QRIS's
 * terminal (DOKU_QRIS_*).
 */
@Injectable()
export class PaymentTerms {
  private readonly drawn: string[] = [];
  private refill?: Promise<void>;

  constructor(
    private readonly payments: PaymentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(adapter: ChannelAdapter): Promise<IssuedTerms | undefined> {
    const issues = adapter.issues;
    if (!issues) return undefined;
    const channel = adapter.spec.channel;
    const terms: IssuedTerms = {
      defaultValidUpTo: snapTimestamp(this.clock.now() + issues.validityMs),
    };
    if (issues.account) {
      const bin = this.config.channels.vaBins[channel];
      // Settings refuse an enabled bank without a BIN; one since disabled never gets here.
      if (!bin) throw new Error(`no BIN for ${channel}`);
      const customerNo = (await this.nextCustomerNo()).padStart(CUSTOMER_NO_DIGITS, '0');
      terms.account = { bin, customerNo };
    }
    if (issues.terminal) {
      const terminal = this.config.channels.qrisTerminal;
      if (!terminal) throw new Error(`no QRIS terminal for ${channel}`);
      terms.terminal = { ...terminal };
    }
    return terms;
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

/** What a stored payment was issued (undefined for channels that issue nothing). */
export function issuedOf(payment: PaymentEntity): IssuedTerms | undefined {
  const c = payment.channelInput;
  if (typeof c.expiresAt !== 'string') return undefined;
  const terms: IssuedTerms = { defaultValidUpTo: c.expiresAt };
  if (typeof c.bin === 'string' && typeof c.customerNo === 'string')
    terms.account = { bin: c.bin, customerNo: c.customerNo };
  if (typeof c.merchantId === 'string' && typeof c.terminalId === 'string')
    terms.terminal = {
      merchantId: c.merchantId,
      terminalId: c.terminalId,
      postalCode: String(c.postalCode),
    };
  return terms;
}
