import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  DEBIT_NOTIFICATION,
  NotificationSpec,
  SignatureForm,
  SnapCredentials,
  verifyTransactionalSignature,
} from '@app/doku-snap';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from '../config/tokens';
import { DokuRequest, headerOf, rawBodyOf } from './doku-body';
import { NotificationTokenService } from './notification-token.service';
import { SnapErrors, snapErrors } from './snap-error';
import { checkTimestampWindow } from './timestamp-window';

/** Where DOKU posts debit notifications (DANA's and every e-wallet's). */
export const NOTIFY_PATH = DEBIT_NOTIFICATION.path;

const BEARER_RE = /^Bearer ([\x21-\x7e]{1,2048})$/;
const EXTERNAL_ID_RE = /^[\x21-\x7e]{1,64}$/;

export interface AuthenticatedNotification {
  rawBody: Buffer;
  signatureForm: SignatureForm;
  /** X-EXTERNAL-ID of DOKU's request, when it sent one. */
  externalId: string | null;
}

/**
 * Believes only DOKU: a bearer token we issued and that has not expired,
 * a recent X-TIMESTAMP, and an X-SIGNATURE over the raw bytes in either documented form.
 * Throws the SNAP refusal otherwise, in the service code of the notification (debit 56, VA 25):
 * 401 xx01 for the token, 401 xx00 for the timestamp window and the signature, 400 xx01/xx02 for
 * headers that are malformed or missing.
 */
@Injectable()
export class NotificationAuthenticator {
  constructor(
    private readonly tokens: NotificationTokenService,
    @Inject(SNAP_CREDENTIALS) private readonly credentials: SnapCredentials,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private readonly errorsByService = new Map<string, SnapErrors>();

  /** `notification`: which of DOKU's notifications the route takes (its path is what DOKU signs). */
  authenticate(
    req: DokuRequest,
    notification: NotificationSpec = DEBIT_NOTIFICATION,
  ): AuthenticatedNotification {
    let errors = this.errorsByService.get(notification.serviceCode);
    if (!errors) {
      errors = snapErrors(notification.serviceCode);
      this.errorsByService.set(notification.serviceCode, errors);
    }
    const bearer = BEARER_RE.exec(headerOf(req, 'Authorization') ?? '');
    if (!bearer || !this.tokens.verify(bearer[1])) throw errors.invalidToken();
    const accessToken = bearer[1];

    const timestamp = headerOf(req, 'X-TIMESTAMP');
    if (timestamp === undefined) throw errors.invalidMandatoryField('X-TIMESTAMP');
    const signature = headerOf(req, 'X-SIGNATURE');
    // An unsigned notification is not authenticated, however well-formed: 401 as a forged one.
    if (signature === undefined) throw errors.unauthorized('Missing Signature');
    const externalId = headerOf(req, 'X-EXTERNAL-ID') ?? null;
    if (externalId !== null && !EXTERNAL_ID_RE.test(externalId))
      throw errors.invalidFieldFormat('X-EXTERNAL-ID');
    checkTimestampWindow(
      timestamp,
      this.clock.now(),
      this.config.notificationToleranceSeconds,
      errors,
    );

    const rawBody = rawBodyOf(req);
    const keys = {
      clientSecret: this.credentials.clientSecret,
      dokuPublicKey: this.credentials.dokuPublicKey,
    };
    // DOKU signs the path of the notification URL it was given: ours, or (with a query string)
    // exactly what it requested.
    const path = notification.path;
    const paths = req.originalUrl === path ? [path] : [path, req.originalUrl];
    for (const path of paths) {
      const verdict = verifyTransactionalSignature(
        { method: 'POST', path, timestamp, rawBody, signature, accessToken },
        keys,
      );
      if (verdict.valid) return { rawBody, signatureForm: verdict.form, externalId };
    }
    throw errors.unauthorized('Invalid Signature');
  }
}
