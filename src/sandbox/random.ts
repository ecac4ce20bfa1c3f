// Every random stream is sfc32 keyed by SHA-256 of (seed, parts), so no output depends on call order.
import { createHash } from 'node:crypto';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  digits(count: number): string;
}

export function digestOf(kind: string, seed: string, parts: readonly string[]): Buffer {
  // JSON of the array keeps ('ab','c') and ('a','bc') apart.
  return createHash('sha256').update(JSON.stringify([kind, seed, ...parts])).digest();
}

export function sfc32(key: Buffer): Random {
  let a = key.readUInt32LE(0);
  let b = key.readUInt32LE(4);
  let c = key.readUInt32LE(8);
  let d = key.readUInt32LE(12);
  const next = (): number => {
    const t0 = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const t = (t0 + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 are correlated with the key words; the reference implementation discards them.
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('cannot pick from an empty list');
      return item;
    },
    digits: (count) => {
      let text = '';
      for (let i = 0; i < count; i++) text += String(Math.floor(next() * 10));
      return text;
    },
  };
  return random;
}

export class WeightedTable<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: readonly (readonly [T, number])[]) {
    for (const [item, weight] of entries) {
      if (weight <= 0) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
    if (this.items.length === 0) throw new Error('a weighted table needs at least one positive weight');
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? Infinity) > target) high = middle;
      else low = middle + 1;
    }
    const item = this.items[low];
    if (item === undefined) throw new Error('weighted pick out of range');
    return item;
  }
}

/** Minor units skewed small as on a statement; only + and × (Math.exp/log may differ between engines). */
export function amountMinor(random: Random, [min, max]: readonly [number, number], stepMinor = 1): number {
  const low = Math.round(min * 100);
  const high = Math.round(max * 100);
  const u = random.next();
  const raw = low + Math.floor(u * u * (high - low + 1));
  return Math.max(stepMinor, Math.round(raw / stepMinor) * stepMinor);
}

/** The random streams and ids of one seed, which all generated data draws from. */
export interface Seeded {
  readonly stream: (...parts: string[]) => Random;
  /** A UUID-shaped id (version nibble 4, variant 8-b) derived only from the seed and the parts. */
  readonly uuid: (...parts: string[]) => string;
}

export function seeded(seed: string): Seeded {
  return {
    stream: (...parts) => sfc32(digestOf('stream', seed, parts)),
    uuid: (...parts) => {
      const bytes = digestOf('uuid', seed, parts).subarray(0, 16);
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Mixed-case letters, as banks print references (`DhUnFjoHds`). */
export function letters(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += LETTERS[Math.floor(random.next() * LETTERS.length)] ?? 'A';
  return text;
}
