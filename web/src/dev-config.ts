/** What the gateway says of its development setup (`GET /dev/config`). */
export interface DevConfig {
  /** The Lean emulator's base URL, whose Link page stands in for Lean's Link SDK; null without the emulator. */
  readonly sandboxUrl: string | null;
  readonly leanApiVersion: 'v1' | 'v2';
}

export async function loadDevConfig(): Promise<DevConfig> {
  try {
    const response = await fetch('/dev/config');
    if (!response.ok) return { sandboxUrl: null, leanApiVersion: 'v2' };
    const body = (await response.json()) as Partial<DevConfig>;
    return { sandboxUrl: typeof body.sandboxUrl === 'string' ? body.sandboxUrl : null, leanApiVersion: body.leanApiVersion === 'v1' ? 'v1' : 'v2' };
  } catch {
    return { sandboxUrl: null, leanApiVersion: 'v2' };
  }
}
