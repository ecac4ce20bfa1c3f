/** One subscriber's events not taken yet: the hub pushes, the subscription pulls, in order. */
export class SubscriberQueue<T> {
  private readonly items: T[] = [];
  private waiting: { resolve(step: IteratorResult<T, undefined>): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  /** `limit`: events held for a subscriber that does not take them; one more ends its stream with `overflow()`. */
  constructor(
    private readonly limit: number,
    private readonly overflow: () => Error,
  ) {}

  push(item: T): void {
    if (this.ended || this.failure !== undefined) return;
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: item });
      return;
    }
    if (this.items.length >= this.limit) {
      this.items.length = 0;
      this.failure = this.overflow();
      return;
    }
    this.items.push(item);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ done: false, value: item });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /** No more events: a pending `next` resolves done. */
  end(): void {
    this.ended = true;
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ done: true, value: undefined });
  }
}
