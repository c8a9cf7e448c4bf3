/**
 * The renderer's one way to reach the main process. In Electron the preload exposes `window.pos`
 * (built from the contract); in browser mode the same contract is spoken over loopback HTTP
 * (calls) and a WebSocket (events), authorised by the per-run token printed by `npm run web`.
 */
import type { EventName, MethodName, PosApi } from '../../shared/contract';
import { buildApi, type Transport } from '../../shared/api';
import type { Result } from '../../shared/result';

declare global {
  interface Window {
    pos?: PosApi;
  }
}

const TOKEN_KEY = 'counter-pos.token';

/** Browser mode: whether the till's service is there (its event socket open); Electron: always. */
const connection = { up: true, listeners: new Set<(up: boolean) => void>() };
function setUp(up: boolean): void {
  if (connection.up === up) return;
  connection.up = up;
  connection.listeners.forEach((l) => l(up));
}

/** Follow the connection to the till's service (browser mode); returns the unsubscribe function. */
export function onConnection(listener: (up: boolean) => void): () => void {
  connection.listeners.add(listener);
  listener(connection.up);
  return () => connection.listeners.delete(listener);
}

function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpTransport(): Transport {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retry = 250;

  const connect = (): void => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${window.location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onmessage = (msg) => {
      try {
        const { event, payload } = JSON.parse(String(msg.data)) as { event: EventName; payload: unknown };
        listeners.get(event)?.forEach((l) => l(payload));
      } catch {
        /* a malformed push is ignored; calls stay authoritative */
      }
    };
    socket.onopen = () => {
      retry = 250;
      setUp(true);
    };
    socket.onclose = () => {
      // the server is gone (stopped, killed, restarting): the page says so at once (components/server-lost.tsx)
      socket = null;
      setUp(false);
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 2000);
    };
  };

  return {
    async invoke(method: MethodName, input: unknown): Promise<Result<unknown>> {
      try {
        const res = await fetch('/api/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ method, input }),
        });
        const body = (await res.json()) as Result<unknown>;
        return body;
      } catch (err) {
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: `The till's service did not answer (${String(err)}). Nothing was changed.`,
          },
        };
      }
    },
    on(event: EventName, listener: (payload: unknown) => void) {
      if (!socket) connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

export const api: PosApi = window.pos ?? buildApi(httpTransport());
export const isBrowserMode = !window.pos;
