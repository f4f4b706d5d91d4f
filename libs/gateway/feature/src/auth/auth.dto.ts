import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AccountRules } from '@capstone/contracts';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const blank = "can't be blank";
const tooShort = `is too short (minimum is ${AccountRules.passwordMinLength} characters)`;
const tooLong = (max: number) => `is too long (maximum is ${max} characters)`;

export class NewUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(AccountRules.usernameMaxLength, { message: tooLong(AccountRules.usernameMaxLength) })
  @Matches(AccountRules.usernamePattern, {
    message: 'may only contain letters, digits, _, - and .',
  })
  username!: string;

  @ApiProperty({ example: 'alice@example.com' })
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(AccountRules.emailMaxLength, { message: tooLong(AccountRules.emailMaxLength) })
  @IsEmail({}, { message: 'is invalid' })
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 128 })
  @IsString({ message: blank })
  @MinLength(AccountRules.passwordMinLength, { message: tooShort })
  @MaxLength(AccountRules.passwordMaxLength, { message: tooLong(AccountRules.passwordMaxLength) })
  password!: string;
}

export class LoginUserDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(AccountRules.emailMaxLength, { message: tooLong(AccountRules.emailMaxLength) })
  email!: string;

  @ApiProperty()
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(AccountRules.passwordMaxLength, { message: tooLong(AccountRules.passwordMaxLength) })
  password!: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: blank })
  @MaxLength(AccountRules.usernameMaxLength, { message: tooLong(AccountRules.usernameMaxLength) })
  @Matches(AccountRules.usernamePattern, {
    message: 'may only contain letters, digits, _, - and .',
  })
  username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(AccountRules.emailMaxLength, { message: tooLong(AccountRules.emailMaxLength) })
  @IsEmail({}, { message: 'is invalid' })
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(AccountRules.passwordMinLength, { message: tooShort })
  @MaxLength(AccountRules.passwordMaxLength, { message: tooLong(AccountRules.passwordMaxLength) })
  password?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(AccountRules.bioMaxLength, { message: tooLong(AccountRules.bioMaxLength) })
  bio?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null && value !== '')
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  @MaxLength(AccountRules.imageMaxLength, { message: tooLong(AccountRules.imageMaxLength) })
  image?: string | null;
}

const userMissing = 'must be an object with the user fields';

export class RegisterRequest {
  @ApiProperty({ type: NewUserDto })
  @IsDefined({ message: userMissing })
  @ValidateNested()
  @Type(() => NewUserDto)
  user!: NewUserDto;
}

export class LoginRequest {
  @ApiProperty({ type: LoginUserDto })
  @IsDefined({ message: userMissing })
  @ValidateNested()
  @Type(() => LoginUserDto)
  user!: LoginUserDto;
}

export class UpdateUserRequest {
  @ApiProperty({ type: UpdateUserDto })
  @IsDefined({ message: userMissing })
  @ValidateNested()
  @Type(() => UpdateUserDto)
  user!: UpdateUserDto;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token from sign-up, login or the previous refresh' })
  @IsString({ message: blank })
  @IsNotEmpty({ message: blank })
  @MaxLength(200, { message: 'is invalid' })
  refreshToken!: string;
}

export class UserResponseBody {
  @ApiProperty() email!: string;
  @ApiProperty({ description: 'Access token: send it as `Authorization: Token <token>`' })
  token!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) bio!: string | null;
  @ApiProperty({ nullable: true, type: String }) image!: string | null;
  @ApiPropertyOptional({ description: 'Present after sign-up, login and refresh only' })
  refreshToken?: string;
}

export class UserResponse {
  @ApiProperty({ type: UserResponseBody }) user!: UserResponseBody;
}
