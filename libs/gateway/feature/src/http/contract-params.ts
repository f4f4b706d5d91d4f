import {
  Body,
  Injectable,
  Param,
  Query,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBody, ApiParam, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { isStorable, Messages, strictObject } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { parseInput } from '@capstone/messaging';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { z } from 'zod';

/**
 * The OpenAPI form of a schema: what a client may send (`input`: before defaults and trimming)
 * or what it gets back (`output`). Refinements that JSON Schema cannot say (code-point lengths,
 * storable text) are checked at run time and left out of the document.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as SchemaObject;
}

/**
 * A parameter's OpenAPI form: its description and example (the field's `meta`) on the parameter,
 * where Swagger UI shows them, and the rest as its schema.
 */
function parameterDocument(schema: z.ZodType) {
  const { description, example, ...rest } = openApiSchema(schema, 'input') as SchemaObject & {
    example?: unknown;
  };
  return { description, example, schema: rest };
}

/** Reads one part of a request with its schema; a failure is a 422 that names each field. */
class SchemaPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly root: string,
  ) {}

  transform(value: unknown): z.output<S> {
    return parseInput(this.schema, value, this.root);
  }
}

type ParameterDecoratorOn = (
  target: object,
  key: string | symbol | undefined,
  index: number,
) => void;

/** The method a parameter decorator sits on, for the documentation decorators that describe it. */
function documentMethod(
  target: object,
  key: string | symbol | undefined,
  decorator: MethodDecorator,
) {
  if (key === undefined) throw new Error('contract parameters belong to route handlers');
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor) throw new Error(`no method ${String(key)} to document`);
  decorator(target, key, descriptor);
}

/** The JSON body, read with its schema and documented from it: one declaration for both. */
export function BodyOf(schema: z.ZodType): ParameterDecoratorOn {
  return (target, key, index) => {
    Body(new SchemaPipe(schema, 'body'))(target, key, index);
    documentMethod(target, key, ApiBody({ schema: openApiSchema(schema, 'input') }));
  };
}

const READS_QUERY = 'capstone:reads-query';

/** The query string, read with an object schema and documented one parameter at a time. */
export function QueryOf(schema: z.ZodObject): ParameterDecoratorOn {
  return (target, key, index) => {
    Query(new SchemaPipe(schema, 'query'))(target, key, index);
    documentMethod(target, key, SetMetadata(READS_QUERY, true));
    for (const [name, field] of Object.entries(schema.shape)) {
      const required = !(field as z.ZodType).safeParse(undefined).success;
      documentMethod(
        target,
        key,
        ApiQuery({ name, required, ...parameterDocument(field as z.ZodType) }),
      );
    }
  };
}

/** What a route without `QueryOf` reads from the query string: nothing. */
const NoQuery = strictObject({});

/** Refuses any query parameter on a route that reads none, as a body refuses unknown fields. */
@Injectable()
class UnreadQueryRefusal implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean | undefined>(READS_QUERY, context.getHandler())) {
      parseInput(NoQuery, context.switchToHttp().getRequest<FastifyRequest>().query, 'query');
    }
    return next.handle();
  }
}

/** On a controller: its routes take only the query parameters their `QueryOf` names (422 else). */
export const StrictQueries = () => UseInterceptors(UnreadQueryRefusal);

/**
 * Reads an id from the path. One that fits no id names nothing: 404 `<notFound> not found`, as
 * for an id that fits but is unknown. Text no database can store is refused with 422 wherever it
 * comes from, here too.
 */
class IdPipe<S extends z.ZodType> implements PipeTransform<string, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly name: string,
    private readonly notFound: string,
  ) {}

  transform(value: string): z.output<S> {
    if (!isStorable(value)) throw ServiceError.invalid(this.name, Messages.unstorable);
    const result = this.schema.safeParse(value);
    if (!result.success) throw ServiceError.notFound(this.notFound);
    return result.data;
  }
}

/**
 * One path parameter, read with its schema and documented. A failure names the parameter (422);
 * with `notFound`, the parameter is an id, and a value that fits none is that resource not found.
 */
export function ParamOf(
  name: string,
  schema: z.ZodType,
  { notFound }: { notFound?: string } = {},
): ParameterDecoratorOn {
  return (target, key, index) => {
    const pipe = notFound ? new IdPipe(schema, name, notFound) : new SchemaPipe(schema, name);
    Param(name, pipe)(target, key, index);
    documentMethod(target, key, ApiParam({ name, ...parameterDocument(schema) }));
  };
}

/** Documents a response of an endpoint by its schema. */
export function Returns(status: number, schema: z.ZodType, description?: string): MethodDecorator {
  return ApiResponse({ status, schema: openApiSchema(schema, 'output'), description });
}
