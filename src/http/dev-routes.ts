import type { IncomingMessage, ServerResponse } from 'node:http';
import { appUserIdProblem, type DevSignIn } from '../auth/dev-sign-in.js';
import type { LeanApiVersion } from '../lean/api.js';
import type { ErrorCode } from '../model/error-codes.js';
import { BodyTooLarge, readBodyWithin } from './body-limit.js';
import { sendJson } from './send-json.js';

const MAX_SIGN_IN_BYTES = 4 * 1024;

export interface DevRoutesOptions {
  readonly signIn: DevSignIn;
  /** The embedded emulator's base URL; undefined when the gateway speaks to a real Lean. */
  readonly sandboxUrl: string | undefined;
  readonly leanApiVersion: LeanApiVersion;
}

/**
 * Development only (outside production, without JWT settings): `POST /dev/sign-in` issues an
 * end-user token for an app user id; `GET /dev/config` tells a local web app where the emulator is.
 * Answers false for any other path, which the caller then answers itself.
 */
export function createDevRoutes({ signIn, sandboxUrl, leanApiVersion }: DevRoutesOptions) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path === '/dev/config') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET');
      return send(res, 200, { sandboxUrl: sandboxUrl ?? null, leanApiVersion });
    }
    if (path !== '/dev/sign-in') return false;
    if (req.method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use POST');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    let body: unknown;
    try {
      body = JSON.parse((await readBodyWithin(req, MAX_SIGN_IN_BYTES)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${MAX_SIGN_IN_BYTES} bytes`);
      return sendError(res, 400, 'BAD_REQUEST', 'the body is not JSON');
    }
    const appUserId = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['appUserId'] : undefined;
    const problem = appUserIdProblem(appUserId);
    if (problem !== undefined || typeof appUserId !== 'string') return sendError(res, 400, 'BAD_USER_INPUT', problem ?? 'appUserId is missing');
    const { token, expiresAt } = await signIn.issue(appUserId);
    return send(res, 200, { token, expiresAt: expiresAt.toISOString() });
  };
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): true {
  return send(res, status, { error: { code, message } });
}

function send(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}
