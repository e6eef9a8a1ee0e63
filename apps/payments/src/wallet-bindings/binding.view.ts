import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BINDING_STATUSES, WalletBindingEntity } from '@app/persistence';
import { isoOrNull } from '../common/iso-time';
import { MoneyDto } from '../common/money.dto';

export class BindingView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'OVO' }) channel: string;
  @ApiProperty() customerId: string;
  @ApiProperty({ example: '62********7890', description: 'Masked except the last 4 digits' })
  phoneNumber: string;
  @ApiProperty({ enum: BINDING_STATUSES }) status: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Where the customer confirms the binding (PENDING)',
  })
  redirectUrl: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureCode: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureMessage: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) boundAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) unboundAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class BalanceView {
  @ApiProperty() bindingId: string;
  @ApiProperty({ example: 'OVO' }) channel: string;
  @ApiProperty({ type: MoneyDto, description: "The wallet's balance DOKU reports" })
  balance: MoneyDto;
  @ApiProperty({ description: 'Each balance DOKU lists (OVO: CASH, POINTS)' })
  accounts: { balanceType: string | null; amount: MoneyDto }[];
}

/** The customer token and authCode are never shown; the phone only by its last 4 digits. */
export function toBindingView(b: WalletBindingEntity): BindingView {
  return {
    id: b.id,
    channel: b.channel,
    customerId: b.customerId,
    phoneNumber: maskPhone(b.phoneNumber),
    status: b.status,
    redirectUrl: b.redirectUrl,
    failureCode: b.failureCode,
    failureMessage: b.failureMessage,
    boundAt: isoOrNull(b.boundAt),
    unboundAt: isoOrNull(b.unboundAt),
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

function maskPhone(phone: string): string {
  return phone.length <= 4 ? phone : '*'.repeat(phone.length - 4) + phone.slice(-4);
}
