import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { builder } from './builder.js';
import type { ErrorCode } from '../model/error-codes.js';

const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } });

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw invalid(`${scalar} must be given as a string`);
  return ast.value;
}

/** `YYYY-MM-DD` that names a real calendar day. */
export function parseCalendarDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value)) throw invalid('Date must be a calendar date, YYYY-MM-DD');
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw invalid('Date must be a real calendar date');
  if (value < '1900-01-01') throw invalid('Date must be 1900-01-01 or later');
  return value;
}

builder.scalarType('Decimal', {
  description: 'An exact decimal number, as a string (e.g. "-1234.50"): money is never a float.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw invalid('Decimal must be a string such as "-1234.50"');
    return value;
  },
  parseLiteral: (ast) => {
    const value = stringLiteral(ast, 'Decimal');
    if (!DECIMAL.test(value)) throw invalid('Decimal must be a string such as "-1234.50"');
    return value;
  },
});

builder.scalarType('Date', {
  description: 'A calendar day, `YYYY-MM-DD`.',
  serialize: (value) => value,
  parseValue: parseCalendarDate,
  parseLiteral: (ast) => parseCalendarDate(stringLiteral(ast, 'Date')),
});

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (e.g. `2026-11-21T09:30:00.000Z`).',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw invalid('DateTime must be an ISO 8601 string');
    return date;
  },
  parseLiteral: (ast) => {
    const date = new Date(stringLiteral(ast, 'DateTime'));
    if (Number.isNaN(date.getTime())) throw invalid('DateTime must be an ISO 8601 string');
    return date;
  },
});
