import SchemaBuilder from '@pothos/core';
import type { GatewayContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });
