import { readFile } from 'node:fs/promises';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, printSchema, type GraphQLArgument } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewaySchema } from '../src/schema/index.js';
import { projectRoot } from './kit/gateway.js';

describe('the GraphQL schema', () => {
  it('matches the committed schema.graphql (run `npm run schema:print` after a change)', async () => {
    expect(`${printSchema(gatewaySchema())}\n`).toBe(await readFile(`${projectRoot}/schema.graphql`, 'utf8'));
  });

  it('describes every type, field, argument and enum value, for readers of introspection', () => {
    const missing: string[] = [];
    for (const type of Object.values(gatewaySchema().getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        const fields: Record<string, { name: string; description?: string | null; args?: readonly GraphQLArgument[] }> = type.getFields();
        for (const field of Object.values(fields)) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args ?? []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
