import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BlogRules } from '@capstone/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const blank = "can't be blank";
const tooLong = (max: number) => `is too long (maximum is ${max} characters)`;

const titleRules = () =>
  applyDecorators(
    IsString({ message: blank }),
    IsNotEmpty({ message: blank }),
    MaxLength(BlogRules.titleMaxLength, { message: tooLong(BlogRules.titleMaxLength) }),
  );
const descriptionRules = () =>
  applyDecorators(
    IsString({ message: blank }),
    IsNotEmpty({ message: blank }),
    MaxLength(BlogRules.descriptionMaxLength, { message: tooLong(BlogRules.descriptionMaxLength) }),
  );
const bodyRules = () =>
  applyDecorators(
    IsString({ message: blank }),
    IsNotEmpty({ message: blank }),
    MaxLength(BlogRules.bodyMaxLength, { message: tooLong(BlogRules.bodyMaxLength) }),
  );
const tagListRules = () =>
  applyDecorators(
    IsOptional(),
    IsArray({ message: 'must be a list of tags' }),
    ArrayMaxSize(BlogRules.tagsMax, { message: `has more than ${BlogRules.tagsMax} tags` }),
    IsString({ each: true, message: 'must be a list of tags' }),
    MaxLength(BlogRules.tagMaxLength, {
      each: true,
      message: `has a tag longer than ${BlogRules.tagMaxLength}`,
    }),
  );

export class NewArticleDto {
  @ApiProperty({ example: 'How to train your dragon' })
  @titleRules()
  title!: string;

  @ApiProperty({ example: 'Ever wonder how?' })
  @descriptionRules()
  description!: string;

  @ApiProperty({ example: 'You have to believe' })
  @bodyRules()
  body!: string;

  @ApiPropertyOptional({ example: ['dragons', 'training'], type: [String] })
  @tagListRules()
  tagList?: string[];
}

/** Any of the article fields; a field left out stays as it is. */
export class ArticleChangesDto {
  @ApiPropertyOptional()
  @IsOptional()
  @titleRules()
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @descriptionRules()
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @bodyRules()
  body?: string;

  @ApiPropertyOptional({ type: [String] })
  @tagListRules()
  tagList?: string[];
}

export class NewArticleRequest {
  @ApiProperty({ type: NewArticleDto })
  @IsDefined({ message: 'must be an object with the article fields' })
  @ValidateNested()
  @Type(() => NewArticleDto)
  article!: NewArticleDto;
}

export class UpdateArticleRequest {
  @ApiProperty({ type: ArticleChangesDto })
  @IsDefined({ message: 'must be an object with the article fields' })
  @ValidateNested()
  @Type(() => ArticleChangesDto)
  article!: ArticleChangesDto;
}

class NewCommentDto {
  @ApiProperty({ example: 'Thank you so much!' })
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(BlogRules.commentMaxLength, { message: tooLong(BlogRules.commentMaxLength) })
  body!: string;
}

export class NewCommentRequest {
  @ApiProperty({ type: NewCommentDto })
  @IsDefined({ message: 'must be an object with the comment fields' })
  @ValidateNested()
  @Type(() => NewCommentDto)
  comment!: NewCommentDto;
}

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class PageQuery {
  @ApiPropertyOptional({ default: BlogRules.listLimitDefault, maximum: BlogRules.listLimitMax })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(BlogRules.listLimitMax, { message: `must be at most ${BlogRules.listLimitMax}` })
  limit: number = BlogRules.listLimitDefault;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must not be negative' })
  offset = 0;
}

export class ListArticlesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only articles with this tag' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(BlogRules.tagMaxLength, { message: tooLong(BlogRules.tagMaxLength) })
  tag?: string;

  @ApiPropertyOptional({ description: 'Only articles by this username' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100, { message: tooLong(100) })
  author?: string;

  @ApiPropertyOptional({ description: 'Only articles this username favorited' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100, { message: tooLong(100) })
  favorited?: string;

  @ApiPropertyOptional({
    description: 'Full-text search in title, description and body, best match first',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(BlogRules.searchMaxLength, { message: tooLong(BlogRules.searchMaxLength) })
  q?: string;
}
