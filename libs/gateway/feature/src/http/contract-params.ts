import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { parseInput } from '@capstone/messaging';
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

/** The query string, read with an object schema and documented one parameter at a time. */
export function QueryOf(schema: z.ZodObject): ParameterDecoratorOn {
  return (target, key, index) => {
    Query(new SchemaPipe(schema, 'query'))(target, key, index);
    for (const [name, field] of Object.entries(schema.shape)) {
      const required = !(field as z.ZodType).safeParse(undefined).success;
      const document = ApiQuery({
        name,
        required,
        schema: openApiSchema(field as z.ZodType, 'input'),
      });
      documentMethod(target, key, document);
    }
  };
}

/** One path parameter, read with its schema (a failure names the parameter) and documented. */
export function ParamOf(name: string, schema: z.ZodType): ParameterDecoratorOn {
  return (target, key, index) => {
    Param(name, new SchemaPipe(schema, name))(target, key, index);
    documentMethod(target, key, ApiParam({ name, schema: openApiSchema(schema, 'input') }));
  };
}

/** Documents a response of an endpoint by its schema. */
export function Returns(status: number, schema: z.ZodType, description?: string): MethodDecorator {
  return ApiResponse({ status, schema: openApiSchema(schema, 'output'), description });
}
