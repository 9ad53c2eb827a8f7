// GraphQL over HTTP and graphql-transport-ws for the dashboard, with the user's credential attached to both.
import { createClient } from './vendor/graphql-ws/client.js';

export const CREDENTIAL_KEY = 'nbapredict.credential';

// Error codes (GraphQL extensions.code) and WebSocket close codes that mean "this needs a (better) credential".
const AUTH_CODES = new Set(['AUTH_REQUIRED', 'FORBIDDEN', 'UNAUTHORIZED', 'ACCESS_DENIED', 'UNAUTHENTICATED']);
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

const endpoint = new URL('graphql', document.baseURI);

export function readCredential() {
  try {
    return (localStorage.getItem(CREDENTIAL_KEY) ?? '').trim();
  } catch {
    return '';
  }
}

export function saveCredential(value) {
  const trimmed = value.trim();
  if (trimmed) {
    localStorage.setItem(CREDENTIAL_KEY, trimmed);
  } else {
    localStorage.removeItem(CREDENTIAL_KEY);
  }
}

/** The credential as header name and value: "Bearer …" is a token, anything else an API key. */
export function credentialHeaders(credential = readCredential()) {
  if (!credential) {
    return {};
  }
  return /^bearer\s/i.test(credential)
    ? { Authorization: 'Bearer ' + credential.replace(/^bearer\s+/i, '') }
    : { 'X-Api-Key': credential };
}

/** A failed request; `auth` is true when a credential is missing or lacks the scope. */
export class GraphQLRequestError extends Error {
  constructor(message, { auth = false, codes = [] } = {}) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.auth = auth;
    this.codes = codes;
  }
}

function errorFrom(errors, status) {
  const codes = (errors ?? []).map((e) => e?.extensions?.code).filter(Boolean);
  const auth = status === 401 || status === 403 || codes.some((c) => AUTH_CODES.has(c));
  const message = errors?.[0]?.message ?? `HTTP ${status}`;
  return new GraphQLRequestError(message, { auth, codes });
}

/** Posts one operation; resolves with `data`, rejects with a GraphQLRequestError on any error. */
export async function request(query, variables = {}) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json', ...credentialHeaders() },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new GraphQLRequestError('The API cannot be reached: ' + e.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // A non-JSON answer (a proxy's error page): the status says enough.
  }
  if (!response.ok || !body || body.errors?.length) {
    throw errorFrom(body?.errors, response.status);
  }
  return body.data;
}

/**
 * One graphql-transport-ws connection carrying the page's subscriptions. It reconnects forever (with backoff), and
 * `onState` hears 'connecting' | 'connected' | 'closed' | 'auth' so the page can say what is going on.
 */
export function createLiveClient(onState) {
  const url = new URL(endpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: url.toString(),
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (event) => !(event && AUTH_CLOSE_CODES.has(event.code)),
    keepAlive: 20_000,
    onNonLazyError: () => {},
    connectionParams: () => credentialHeaders(),
    on: {
      connecting: () => onState('connecting'),
      connected: () => onState('connected'),
      closed: (event) => onState(event && AUTH_CLOSE_CODES.has(event.code) ? 'auth' : 'closed'),
    },
  });
  return {
    /** Subscribes; `onData` gets each payload's data, `onError` a GraphQLRequestError. Returns the unsubscribe function. */
    subscribe(query, variables, onData, onError) {
      return client.subscribe({ query, variables }, {
        next: (result) => (result.errors?.length ? onError(errorFrom(result.errors, 200)) : onData(result.data)),
        error: (e) => onError(Array.isArray(e) ? errorFrom(e, 200) : AUTH_CLOSE_CODES.has(e?.code) ? new GraphQLRequestError(e.reason || 'Forbidden', { auth: true }) : new GraphQLRequestError(e?.message ?? 'subscription failed')),
        complete: () => {},
      });
    },
    dispose: () => client.dispose(),
  };
}
