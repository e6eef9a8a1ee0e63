import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DEVICE_ID_RE, VA_NAME_RE } from '@app/doku-snap';
import type { ChannelField } from '../../channels/channel-adapter';
import { CHANNEL_ADAPTERS } from '../../channels/channel-adapters';
import { MoneyDto } from '../../common/money.dto';
import {
  IsFreeText,
  MetadataInput,
  IsSnapTimestamp,
  PRINTABLE_ASCII,
} from '../../common/validators';

/** Every channel the service knows (GET /v1/channels lists those this deployment offers). */
const PAYMENT_CHANNELS = CHANNEL_ADAPTERS.map((a) => a.spec.channel);

/**
 * The request's channel (DANA when absent) requires `field`: checked with the body's other rules,
 * so that every problem of a request is named at once. What a channel does not take is refused
 * by the service, once the body is valid.
 */
function requiredBy(dto: CreatePaymentDto, field: ChannelField): boolean {
  const adapter = CHANNEL_ADAPTERS.find((a) => a.spec.channel === (dto.channel ?? 'DANA'));
  return adapter?.fields.required.includes(field) ?? false;
}

export class CreatePaymentDto {
  @ApiProperty({
    example: 'ORDER-2026-0001',
    minLength: 1,
    maxLength: 64,
    description: 'The order id; unique.',
  })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'partnerReferenceNo must be printable ASCII' })
  partnerReferenceNo: string;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiPropertyOptional({
    example: 'https://shop.example/orders/ORDER-2026-0001',
    maxLength: 255,
    description:
      'Where the wallet sends the customer back (OVO: after a successful payment). Required by every channel today (GET /v1/channels).',
  })
  @ValidateIf((o: CreatePaymentDto) => requiredBy(o, 'returnUrl') || o.returnUrl !== undefined)
  @IsString()
  @MaxLength(255)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'returnUrl must be an absolute http(s) URL' },
  )
  returnUrl?: string;

  @ApiPropertyOptional({
    example: 'device12345',
    description: "Customer's device id: 1-64 letters and digits. Required by DANA and SHOPEEPAY.",
  })
  @ValidateIf((o: CreatePaymentDto) => requiredBy(o, 'deviceId') || o.deviceId !== undefined)
  @IsString()
  @Matches(DEVICE_ID_RE, { message: 'deviceId must be 1-64 letters and digits' })
  deviceId?: string;

  @ApiPropertyOptional({ example: '203.0.113.7', description: "Customer's IPv4 address." })
  @IsOptional()
  @IsString()
  @IsIP('4', { message: 'ipAddress must be an IPv4 address' })
  ipAddress?: string;

  @ApiPropertyOptional({ example: 'Kopi susu x2', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @IsFreeText()
  orderTitle?: string;

  @ApiPropertyOptional({
    example: '2030-01-01T10:00:00+07:00',
    description:
      'Payment link expiry, ISO-8601 with offset, in the future. Virtual accounts: until when the account takes the transfer (24 h when absent).',
  })
  @IsOptional()
  @IsString()
  @IsSnapTimestamp()
  validUpTo?: string;

  @ApiPropertyOptional({ enum: ['app', 'pc', 'mweb'] })
  @IsOptional()
  @IsIn(['app', 'pc', 'mweb'])
  pointOfInitiation?: 'app' | 'pc' | 'mweb';

  @ApiPropertyOptional({ description: 'Jump into the DANA app instead of the web checkout.' })
  @IsOptional()
  @IsBoolean()
  deepLink?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'OVO (required): the ACTIVE wallet binding the customer pays from.',
  })
  @ValidateIf((o: CreatePaymentDto) => requiredBy(o, 'bindingId') || o.bindingId !== undefined)
  @IsUUID('4', { message: 'bindingId must be a UUID' })
  bindingId?: string;

  @ApiPropertyOptional({
    example: 'https://shop.example/orders/ORDER-2026-0001/failed',
    maxLength: 255,
    description: 'OVO: where the customer goes when the payment fails (returnUrl when absent).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'failureUrl must be an absolute http(s) URL' },
  )
  failureUrl?: string;

  @ApiPropertyOptional({
    example: 'CUST-0005',
    description: "OVO: the customer paying; must be the binding's customer when given.",
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'customerId must be printable ASCII' })
  customerId?: string;

  @ApiPropertyOptional({
    example: 'Budi Santoso',
    minLength: 1,
    maxLength: 255,
    description:
      "Virtual accounts (required): the name the bank shows the customer. Letters, digits, spaces and . - / + , = _ : ' @ %",
  })
  @ValidateIf(
    (o: CreatePaymentDto) => requiredBy(o, 'customerName') || o.customerName !== undefined,
  )
  @IsString()
  @Matches(VA_NAME_RE, {
    message:
      "customerName must be 1-255 letters, digits, spaces or . - / + , = _ : ' @ % characters",
  })
  customerName?: string;

  @ApiPropertyOptional({ example: 'budi@example.com', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsEmail({}, { message: 'customerEmail must be an email address' })
  customerEmail?: string;

  @ApiPropertyOptional({ example: '6281234567890', description: '9-30 digits, an optional +' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9]{9,29}$/, { message: 'customerPhone must be 9-30 digits, an optional +' })
  customerPhone?: string;

  @MetadataInput()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ enum: PAYMENT_CHANNELS, default: 'DANA' })
  @IsOptional()
  @IsIn(PAYMENT_CHANNELS, { message: `channel must be one of ${PAYMENT_CHANNELS.join(', ')}` })
  channel?: string;
}
