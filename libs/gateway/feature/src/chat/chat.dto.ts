import { ApiPropertyOptional } from '@nestjs/swagger';
import { ChatRules } from '@capstone/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'Only messages older than this message id' })
  @IsOptional()
  @IsMongoId({ message: 'must be a message id' })
  before?: string;

  @ApiPropertyOptional({
    default: ChatRules.historyLimitDefault,
    maximum: ChatRules.historyLimitMax,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(ChatRules.historyLimitMax, { message: `must be at most ${ChatRules.historyLimitMax}` })
  limit: number = ChatRules.historyLimitDefault;
}
