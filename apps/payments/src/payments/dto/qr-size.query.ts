import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QR_SIZES } from '../qr-image';

export class QrSizeQuery {
  @ApiPropertyOptional({
    minimum: QR_SIZES.minimum,
    maximum: QR_SIZES.maximum,
    default: QR_SIZES.default,
    description: 'Pixels a side: 256 suits a phone, 512 a till screen',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'size must be a whole number of pixels' })
  @Min(QR_SIZES.minimum)
  @Max(QR_SIZES.maximum)
  size?: number;
}
