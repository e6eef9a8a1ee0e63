import { Global, Module } from '@nestjs/common';
import { SettlementModule } from '../settlement/settlement.module';
import { QrConfirmationWorker } from './qr-confirmation.worker';
import { QrConfirmations } from './qr-confirmations';
import { QrSweepSchedule } from './qr-sweep.schedule';

/** The producer of QR confirmations (payments start them) and the sweep's schedule: every role. */
@Global()
@Module({ providers: [QrConfirmations, QrSweepSchedule], exports: [QrConfirmations] })
export class QrConfirmationsModule {}

/** The worker that queries DOKU about open QRs (worker roles). */
@Module({ imports: [SettlementModule], providers: [QrConfirmationWorker] })
export class QrConfirmationWorkersModule {}
