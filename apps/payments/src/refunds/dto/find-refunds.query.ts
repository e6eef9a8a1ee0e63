import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class FindRefundsQuery {
  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only the refunds a person must look at (their calls ran out while open)',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'attention must be true' })
  attention?: 'true';
}
