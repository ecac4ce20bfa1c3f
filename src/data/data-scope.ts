/**
 * Whose stored data a request read, or changed: Lean customer ids, or everyone's when the request
 * touched data that belongs to no customer it can name (a lookup that found nothing, the webhook
 * inbox). The response cache keeps an answer under the customers it read and forgets it when one
 * of them changes.
 */
export class DataScope {
  private readonly ids = new Set<string>();
  private all = false;

  /** The customer's data (its row, entities, accounts, balances, transactions …). */
  add(customerId: string): void {
    this.ids.add(customerId);
  }

  /** Data no single customer names: anything may change it. */
  addEveryone(): void {
    this.all = true;
  }

  get everyone(): boolean {
    return this.all;
  }

  get customers(): ReadonlySet<string> {
    return this.ids;
  }

  get empty(): boolean {
    return !this.all && this.ids.size === 0;
  }
}
