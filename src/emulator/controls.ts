/**
 * Test controls under /_emulator/ (ARCHITECTURE.md §9). They are never journaled, never rate-limited and
 * never under /api/v2, so a driver cannot reach them by accident.
 */
import { exportData } from './export.js';
import { FaultValidationError } from './faults.js';
import { registerOAuthApp, OAuthAppError } from './oauth/apps.js';
import { json, noContent, type Reply } from './route.js';
import { ROUTES } from './routes/index.js';
import type { EmulatorState } from './state.js';
import { startFacts } from './facts.js';

function controlError(status: number, message: string): Reply {
  return json({ error: message }, status);
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString('utf8'));
}

export async function handleControl(state: EmulatorState, method: string, path: string, _query: URLSearchParams, body: Buffer): Promise<Reply> {
  const key = `${method} ${path.replace(/\/+$/, '')}`;
  let input: unknown;
  try {
    input = method === 'POST' ? parseJson(body) : undefined;
  } catch {
    return controlError(400, 'body must be JSON');
  }
  switch (key) {
    case 'GET /_emulator/journal':
      return json({ requests: state.journal.list() });
    case 'DELETE /_emulator/journal':
      state.journal.clear();
      return noContent();
    case 'POST /_emulator/reset':
      state.reset();
      return json({ reset: true });
    case 'GET /_emulator/faults':
      return json({ faults: state.faults.list() });
    case 'DELETE /_emulator/faults':
      state.faults.clear();
      return noContent();
    case 'POST /_emulator/faults':
      try {
        return json(state.faults.add(input), 201);
      } catch (e) {
        if (e instanceof FaultValidationError) return controlError(400, e.message);
        throw e;
      }
    case 'POST /_emulator/clock': {
      const seconds = (input as { advanceSeconds?: unknown }).advanceSeconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        return controlError(400, 'advanceSeconds must be a non-negative number');
      }
      state.clock.advance(seconds);
      return json({ now: new Date(state.now()).toISOString() });
    }
    case 'GET /_emulator/clock':
      return json({ now: new Date(state.now()).toISOString() });
    case 'POST /_emulator/oauth-apps':
      try {
        return json(registerOAuthApp(state, input), 201);
      } catch (e) {
        if (e instanceof OAuthAppError) return controlError(400, e.message);
        throw e;
      }
    case 'GET /_emulator/export':
      return json(exportData(state.store));
    case 'GET /_emulator/info':
      return json(startFacts(state, null));
    case 'GET /_emulator/routes':
      return json({ routes: ROUTES.map((r) => `${r.method} ${r.pattern}`) });
    default:
      return controlError(404, `no such control: ${method} ${path}`);
  }
}
