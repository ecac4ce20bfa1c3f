/**
 * The Lean entity a webhook concerns, read from its payload when it is received: rows of one entity
 * are applied in order of arrival (an `entity.updated` must not overtake the `entity.created` another
 * instance is still applying). null when the webhook names no entity (`results.ready` names its
 * results, payments and others nothing we order by): such a row has no ordering constraint. A
 * `bank.availability.updated` is ordered per bank (`bank:<identifier>`).
 */
export function entityKeyOf(type: string, payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { id, entity_id: entityId, identifier } = payload as { id?: unknown; entity_id?: unknown; identifier?: unknown };
  switch (type) {
    case 'entity.created':
    case 'entity.reconnected':
      return named(id);
    case 'entity.updated':
      return named(id) ?? named(entityId);
    case 'entity.data.refresh.updated':
    case 'results.ready':
      return named(entityId);
    case 'bank.availability.updated': {
      // Per bank, in order of arrival; prefixed so that no bank identifier can read as an entity id.
      const bank = named(identifier);
      return bank === null ? null : `bank:${bank}`;
    }
    default:
      return null;
  }
}

function named(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : null;
}
