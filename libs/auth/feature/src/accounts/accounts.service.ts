import { Injectable } from '@nestjs/common';
import {
  AuthEvents,
  AuthRpc,
  type AuthResult,
  type RpcPayload,
  type UserView,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxTransactions, recordEvent } from '@capstone/outbox';
import { DataSource, type EntityManager } from 'typeorm';
import { takenField } from '../persistence/unique-violation.js';
import { UserEntity } from '../persistence/user.entity.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PasswordHasher } from './password-hasher.js';
import { Reauthentication, sensitiveChangeOf } from './reauthentication.js';
import { toProfileData, toUserView } from './user-views.js';

type RegisterCommand = RpcPayload<typeof AuthRpc.register>;
type LoginCommand = RpcPayload<typeof AuthRpc.login>;
type UpdateUserCommand = RpcPayload<typeof AuthRpc.updateUser>;

/**
 * Accounts: sign-up, login, reading and changing the profile. Each change is announced through the
 * outbox. Commands arrive already checked and normalised by their contracts' schemas.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly transactions: OutboxTransactions,
    private readonly reauthentication: Reauthentication,
  ) {}

  async register(command: RegisterCommand): Promise<AuthResult> {
    const { email, username, password } = command;
    await this.ensureAvailable(this.dataSource.manager, { email, username });
    const passwordHash = await this.passwords.hash(password);

    return this.saving(() =>
      this.transactions.run(async (manager) => {
        const user = await manager.save(
          manager.create(UserEntity, {
            email,
            username,
            passwordHash,
            bio: null,
            image: null,
            role: 'user',
          }),
        );
        await recordEvent(manager, AuthEvents.userRegistered, toProfileData(user));
        const tokens = await this.sessions.start(manager, user, command.client);
        return { user: toUserView(user), tokens };
      }),
    );
  }

  /** One answer for an unknown email and a wrong password, after the same amount of work. */
  async login(command: LoginCommand): Promise<AuthResult> {
    const user = await this.findByEmail(this.dataSource.manager, command.email);
    const valid = user
      ? await this.passwords.verify(user.passwordHash, command.password)
      : await this.passwords.verifyNobody(command.password);
    if (!user || !valid) throw new ServiceError(401, { 'email or password': ['is invalid'] });
    const tokens = await this.dataSource.transaction((manager) =>
      this.sessions.start(manager, user, command.client),
    );
    return { user: toUserView(user), tokens };
  }

  async getUser(userId: string): Promise<UserView> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw ServiceError.notFound('user');
    return toUserView(user);
  }

  /**
   * Changes the profile. A password or email change must be confirmed (`Reauthentication`) and
   * ends every other session of the account, so that whoever held one is signed out.
   */
  async updateUser(command: UpdateUserCommand): Promise<UserView> {
    const { changes, sessionId } = command;
    const current = await this.dataSource
      .getRepository(UserEntity)
      .findOneBy({ id: command.userId });
    if (!current) throw ServiceError.notFound('user');
    const sensitive = sensitiveChangeOf(current, changes);
    const passwordGiven =
      sensitive !== null &&
      (await this.reauthentication.confirm(current, sessionId, sensitive, command.currentPassword));
    const passwordHash =
      changes.password === undefined ? undefined : await this.passwords.hash(changes.password);

    const updated = await this.saving(() =>
      this.transactions.run(async (manager) => {
        const user = await manager.findOne(UserEntity, {
          where: { id: command.userId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!user) throw ServiceError.notFound('user');
        await this.ensureAvailable(manager, changes, user.id);

        const profileChanged = (['email', 'username', 'bio', 'image'] as const).some(
          (field) => changes[field] !== undefined && changes[field] !== user[field],
        );
        if (!profileChanged && passwordHash === undefined) return user;

        Object.assign(user, {
          ...(changes.email !== undefined ? { email: changes.email } : {}),
          ...(changes.username !== undefined ? { username: changes.username } : {}),
          ...(changes.bio !== undefined ? { bio: changes.bio } : {}),
          ...(changes.image !== undefined ? { image: changes.image } : {}),
          ...(passwordHash !== undefined ? { passwordHash } : {}),
        });
        if (profileChanged) user.version += 1;
        const saved = await manager.save(user);
        if (profileChanged)
          await recordEvent(manager, AuthEvents.userUpdated, toProfileData(saved));
        if (passwordGiven) await this.sessions.markAuthenticated(manager, sessionId);
        if (sensitive)
          await this.sessions.revokeOthers(manager, user.id, sessionId, `${sensitive} changed`);
        return saved;
      }),
    );
    return toUserView(updated);
  }

  private findByEmail(manager: EntityManager, email: string): Promise<UserEntity | null> {
    return manager
      .createQueryBuilder(UserEntity, 'user')
      .where('lower(user.email) = lower(:email)', { email })
      .getOne();
  }

  /** Reports every taken field at once; the unique indexes still guard against races. */
  private async ensureAvailable(
    manager: EntityManager,
    fields: { email?: string; username?: string },
    exceptUserId?: string,
  ): Promise<void> {
    const taken: Record<string, string[]> = {};
    for (const field of ['email', 'username'] as const) {
      const value = fields[field];
      if (value === undefined) continue;
      const query = manager
        .createQueryBuilder(UserEntity, 'user')
        .where(`lower(user.${field}) = lower(:value)`, { value });
      if (exceptUserId) query.andWhere('user.id <> :exceptUserId', { exceptUserId });
      if (await query.getExists()) taken[field] = ['has already been taken'];
    }
    if (Object.keys(taken).length > 0) throw new ServiceError(422, taken);
  }

  private async saving<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const field = takenField(error);
      if (field) throw ServiceError.taken(field);
      throw error;
    }
  }
}
