import { builder } from './builder.js';

/**
 * A GraphQL enum over values Lean sends as text: the known ones, and OTHER for any value Lean adds
 * later (its text stays in a field beside it), so a new value never breaks a query.
 */
export function tolerantEnum<V extends string>(name: string, description: string, values: Readonly<Record<V, string>>) {
  const known = Object.keys(values) as V[];
  const ref = builder.enumType(name, {
    description: `${description} A value this gateway does not know yet reads as OTHER, never as an error.`,
    values: {
      ...Object.fromEntries(known.map((value) => [value, { value, description: values[value] }])),
      OTHER: { value: 'OTHER', description: 'A value Lean added after this gateway was built; its text is in the field beside this one.' },
    } as Record<V | 'OTHER', { value: V | 'OTHER'; description: string }>,
  });
  const of = (text: string | null | undefined): V | 'OTHER' | null => {
    if (text === null || text === undefined) return null;
    return (known as string[]).includes(text) ? (text as V) : 'OTHER';
  };
  return { ref, of };
}
