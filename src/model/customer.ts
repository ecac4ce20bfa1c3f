/** A customer of the application at Lean: one per app user. */
export interface Customer {
  readonly id: string;
  readonly appUserId: string;
}
