/**
 * One upstream call per key at a time, across every request of this process: whoever asks for a key
 * while its call is in flight waits for that call instead of making another.
 */
export class InFlight {
  private readonly calls = new Map<string, Promise<unknown>>();
  /** Callers that shared a call already in flight, since start. */
  joins = 0;

  /** Calls in flight now. */
  get size(): number {
    return this.calls.size;
  }

  run<T>(key: string, start: () => Promise<T>): Promise<T> {
    const existing = this.calls.get(key);
    if (existing !== undefined) {
      this.joins += 1;
      return existing as Promise<T>;
    }
    const call = start().finally(() => this.calls.delete(key));
    this.calls.set(key, call);
    return call;
  }
}
