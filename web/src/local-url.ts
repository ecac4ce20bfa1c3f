const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL stays on this machine (the app's own origin included). */
export function isLocalUrl(url: string): boolean {
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.origin === window.location.origin || LOCAL_HOSTS.has(parsed.hostname);
  } catch {
    return false;
  }
}
