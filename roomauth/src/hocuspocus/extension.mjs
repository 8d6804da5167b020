// roomauth's Hocuspocus extension: asks the app's roomauth endpoint whether a
// connection may open a document, from Hocuspocus's `onAuthenticate` hook, and
// keeps the answer true while the connection stays open.
// No dependencies beyond Node 20 (fetch, node:crypto). Copy this file next to
// your Hocuspocus server, or write it out with `roomauth::hocuspocus::EXTENSION_JS`.
//
//   import { Server } from '@hocuspocus/server'
//   import { roomauth } from './roomauth-hocuspocus.mjs'
//   new Server({ extensions: [roomauth({ url: 'http://127.0.0.1:8090/hocuspocus/auth' })] })
//
// For each document a provider opens, it POSTs `{"documentName": ...}` to
// `url`, signed with HMAC-SHA256 (`X-Hocuspocus-Signature-256: sha256=<hex>`,
// secret `HOCUSPOCUS_SECRET`), and forwards the identity the browser presented
// as the browser would have sent it to the app: its `Cookie` header, and the
// provider's `token` as `Authorization: Bearer <token>`. roomauth answers
// `{"user": "alice", "readOnly": false}`: the connection is read-only when
// `readOnly` is true, and `user` is merged into the connection's context.
// Any other answer (401, 403, a fault, no answer in time) refuses the document
// with Hocuspocus's `permission-denied`.
//
// Keeping the answer true (the rules are asked again, with the same identity):
// - every `recheckIntervalMs` (default 60 s; 0: never), for each open connection;
// - when the provider sends a new token (`provider.sendToken()`, Hocuspocus's
//   `onTokenSync`), with that token;
// - at once, when the app's roomauth `Revoker` calls the hook this extension
//   serves on the Hocuspocus server's own port: `POST /roomauth/recheck`
//   (`hookPath`; null turns it off), body `{"user": "alice", "documentName":
//   "project-1"}` (no `documentName`: every document of that user), signed like
//   the requests above. It answers `{"closed", "readOnly", "readWrite", "kept"}`.
// A refusal (401, 403) closes the connection (the provider's `onClose`, reason
// `permission-denied`); a grant flips it read-only or read-write as the rules now
// say; an answer for another user closes it. When the app cannot be reached, the
// connection is kept as it is (a warning is logged) and asked again next time.
// A replayed hook request only makes the extension ask the rules again.

import { createHmac, timingSafeEqual } from 'node:crypto'

/** Where `onAuthenticate` leaves the identity for `connected` to keep. */
const IDENTITY = Symbol('roomauth identity')
/** The largest hook body read. */
const MAX_HOOK_BODY = 16 * 1024

/**
 * @param {object} options
 * @param {string} options.url  the app's roomauth endpoint (`POST /hocuspocus/auth`)
 * @param {string} [options.secret]  shared secret; defaults to `process.env.HOCUSPOCUS_SECRET`
 * @param {number} [options.timeoutMs]  how long to wait for the answer (default 5000)
 * @param {number} [options.recheckIntervalMs]  how often open connections are asked
 *   again (default 60000; 0: only on `onTokenSync` and the hook)
 * @param {string|null} [options.hookPath]  the path of the recheck hook on the
 *   Hocuspocus server's port (default `/roomauth/recheck`; null: no hook)
 */
export function roomauth({
  url,
  secret = process.env.HOCUSPOCUS_SECRET,
  timeoutMs = 5000,
  recheckIntervalMs = 60_000,
  hookPath = '/roomauth/recheck',
} = {}) {
  if (!url) {
    throw new Error('roomauth: pass `url`, the app\'s roomauth endpoint (POST /hocuspocus/auth)')
  }
  if (!secret) {
    throw new Error('roomauth: set HOCUSPOCUS_SECRET (the same secret as the app\'s) or pass `secret`')
  }
  // Node's timers hold at most 2^31 - 1 ms; a longer delay would fire at once.
  if (!Number.isFinite(recheckIntervalMs) || recheckIntervalMs < 0 || recheckIntervalMs > 2 ** 31 - 1) {
    throw new Error('roomauth: recheckIntervalMs must be 0 (none) to 2147483647 milliseconds')
  }

  const sign = (body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')

  /**
   * Asks roomauth about `documentName` for the identity `{cookie, token}`:
   * `{user, readOnly}`, `'refused'` (401, 403, a malformed answer), or
   * `'unreachable'` (no answer, a fault).
   */
  async function ask(documentName, { cookie, token }) {
    const body = JSON.stringify({ documentName })
    const headers = { 'Content-Type': 'application/json', 'X-Hocuspocus-Signature-256': sign(body) }
    if (cookie) headers.Cookie = cookie
    // Hocuspocus passes "" when the provider has no token: no identity then.
    if (typeof token === 'string' && token !== '') headers.Authorization = `Bearer ${token}`
    let response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        // The cookie goes to `url` only, never to where a redirect points.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      console.warn(`roomauth: ${url} did not answer for ${JSON.stringify(documentName)}: ${error.name}`)
      return 'unreachable'
    }
    if (!response.ok) {
      await response.body?.cancel()
      // 401 and 403 are the rules' answers; anything else is a fault worth a line.
      if (response.status === 401 || response.status === 403) return 'refused'
      console.warn(`roomauth: ${url} answered ${response.status} for ${JSON.stringify(documentName)}`)
      return 'unreachable'
    }
    let answer
    try {
      answer = await response.json()
    } catch {
      answer = undefined
    }
    if (typeof answer?.user !== 'string' || typeof answer?.readOnly !== 'boolean') {
      console.warn(`roomauth: ${url} answered 200 without {user, readOnly}`)
      return 'refused'
    }
    return answer
  }

  /** Open connections -> `{documentName, cookie, token, user}`. */
  const open = new Map()

  /**
   * Asks again for every connection `select` picks (one question per
   * document and identity) and applies the answers; counts what happened.
   */
  async function recheck(select) {
    const counts = { closed: 0, readOnly: 0, readWrite: 0, kept: 0 }
    const questions = new Map()
    for (const [connection, entry] of open) {
      if (!select(entry)) continue
      const key = JSON.stringify([entry.documentName, entry.cookie ?? '', entry.token ?? ''])
      if (!questions.has(key)) questions.set(key, { entry, connections: [] })
      questions.get(key).connections.push(connection)
    }
    await Promise.all(
      [...questions.values()].map(async ({ entry, connections }) => {
        const answer = await ask(entry.documentName, entry)
        for (const connection of connections) apply(connection, answer, counts)
      }),
    )
    return counts
  }

  /** Applies a fresh answer to an open connection. */
  function apply(connection, answer, counts) {
    const entry = open.get(connection)
    if (!entry) return
    if (answer === 'unreachable') {
      counts.kept += 1
      return
    }
    if (answer === 'refused' || answer.user !== entry.user) {
      open.delete(connection)
      connection.close({ code: 4403, reason: 'permission-denied' })
      counts.closed += 1
      return
    }
    // Hocuspocus checks the connection's own flag on every update it receives.
    connection.readOnly = answer.readOnly
    counts[answer.readOnly ? 'readOnly' : 'readWrite'] += 1
  }

  let timer = null

  return {
    extensionName: 'roomauth',

    async onAuthenticate({ token, documentName, requestHeaders, connectionConfig }) {
      const identity = { cookie: headerOf(requestHeaders, 'cookie'), token }
      const answer = await ask(documentName, identity)
      if (typeof answer === 'string') throw denied()
      connectionConfig.readOnly = answer.readOnly
      // Kept out of the context (other extensions read it) for `connected`.
      connectionConfig[IDENTITY] = { ...identity, user: answer.user }
      return { user: answer.user }
    },

    async connected({ connection, documentName, connectionConfig }) {
      const identity = connectionConfig?.[IDENTITY]
      if (!identity) return
      open.set(connection, { documentName, ...identity })
      connection.onClose(() => open.delete(connection))
      if (recheckIntervalMs > 0 && timer === null) {
        timer = setInterval(() => recheck(() => true), recheckIntervalMs)
        // The interval never keeps the process alive.
        timer.unref?.()
      }
    },

    async onTokenSync({ token, connection }) {
      const entry = open.get(connection)
      if (!entry) return
      entry.token = token
      apply(connection, await ask(entry.documentName, entry), { closed: 0, readOnly: 0, readWrite: 0, kept: 0 })
    },

    async onRequest({ request, response }) {
      if (hookPath === null) return
      const path = (request.url ?? '').split('?')[0]
      if (path !== hookPath) return
      // From here the request is the hook's: answered here, never by Hocuspocus.
      const reply = (status, body) => {
        response.writeHead(status, { 'Content-Type': 'application/json' })
        response.end(JSON.stringify(body))
        // Hocuspocus's convention: a rejection without an error stops the chain.
        return Promise.reject(null)
      }
      if (request.method !== 'POST') return reply(405, { error: `POST ${hookPath}` })
      let body
      try {
        body = await readBody(request, MAX_HOOK_BODY)
      } catch {
        return reply(413, { error: `the body must be at most ${MAX_HOOK_BODY} bytes` })
      }
      const presented = Buffer.from(String(request.headers['x-hocuspocus-signature-256'] ?? ''))
      const expected = Buffer.from(sign(body))
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        console.warn(`roomauth: ${hookPath} refused a request with a missing or wrong signature`)
        return reply(401, { error: 'missing or wrong X-Hocuspocus-Signature-256' })
      }
      let change
      try {
        change = JSON.parse(body.toString('utf8'))
      } catch {
        change = undefined
      }
      const documentName = change?.documentName ?? null
      if (typeof change?.user !== 'string' || change.user === '' || (documentName !== null && typeof documentName !== 'string')) {
        return reply(400, { error: 'expected {"user": "...", "documentName": "..." (optional)}' })
      }
      const counts = await recheck(
        (entry) => entry.user === change.user && (documentName === null || entry.documentName === documentName),
      )
      return reply(200, counts)
    },

    async onDestroy() {
      if (timer !== null) clearInterval(timer)
      timer = null
    },
  }
}

/** The request's body, at most `limit` bytes (else rejects). */
function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    request.on('data', (chunk) => {
      size += chunk.length
      // Past the limit the rest is drained unread, so that the answer can be sent.
      if (size <= limit) chunks.push(chunk)
    })
    request.on('end', () => (size > limit ? reject(new Error('too large')) : resolve(Buffer.concat(chunks))))
    request.on('error', reject)
  })
}

/** Hocuspocus 4 passes a Fetch `Headers`; older versions a plain object. */
function headerOf(requestHeaders, name) {
  if (!requestHeaders) return undefined
  if (typeof requestHeaders.get === 'function') return requestHeaders.get(name) ?? undefined
  const value = requestHeaders[name]
  return Array.isArray(value) ? value.join('; ') : value
}

/** What Hocuspocus sends the provider: `permission-denied`. */
function denied() {
  const error = new Error('permission-denied')
  error.reason = 'permission-denied'
  return error
}
