import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  DEBIT_NOTIFICATION,
  ServiceCode,
  SignatureForm,
  SnapCredentials,
  verifyTransactionalSignature,
} from '@app/doku-snap';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from '../config/tokens';
import { DokuRequest, headerOf, rawBodyOf } from './doku-body';
import { NotificationTokenService } from './notification-token.service';
import { snapErrors } from './snap-error';
import { checkTimestampWindow } from './timestamp-window';

/** Where DOKU posts debit notifications (DANA's and every e-wallet's). */
export const NOTIFY_PATH = DEBIT_NOTIFICATION.path;

const errors = snapErrors(ServiceCode.DEBIT_NOTIFY);
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
 * Throws the SNAP refusal otherwise: 401 4015601 for the token, 401 4015600 for the timestamp
 * window and the signature, 400 4005601/4005602 for headers that are malformed or missing.
 */
@Injectable()
export class NotificationAuthenticator {
  constructor(
    private readonly tokens: NotificationTokenService,
    @Inject(SNAP_CREDENTIALS) private readonly credentials: SnapCredentials,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  authenticate(req: DokuRequest): AuthenticatedNotification {
    const bearer = BEARER_RE.exec(headerOf(req, 'Authorization') ?? '');
    if (!bearer || !this.tokens.verify(bearer[1])) throw errors.invalidToken();
    const accessToken = bearer[1];

    const timestamp = headerOf(req, 'X-TIMESTAMP');
    if (timestamp === undefined) throw errors.invalidMandatoryField('X-TIMESTAMP');
    const signature = headerOf(req, 'X-SIGNATURE');
    if (signature === undefined) throw errors.invalidMandatoryField('X-SIGNATURE');
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
    const paths = req.originalUrl === NOTIFY_PATH ? [NOTIFY_PATH] : [NOTIFY_PATH, req.originalUrl];
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
