// roomauth's Hocuspocus extension: asks the app's roomauth endpoint whether a
// connection may open a document, from Hocuspocus's `onAuthenticate` hook.
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

import { createHmac } from 'node:crypto'

/**
 * @param {object} options
 * @param {string} options.url  the app's roomauth endpoint (`POST /hocuspocus/auth`)
 * @param {string} [options.secret]  shared secret; defaults to `process.env.HOCUSPOCUS_SECRET`
 * @param {number} [options.timeoutMs]  how long to wait for the answer (default 5000)
 */
export function roomauth({ url, secret = process.env.HOCUSPOCUS_SECRET, timeoutMs = 5000 } = {}) {
  if (!url) {
    throw new Error('roomauth: pass `url`, the app\'s roomauth endpoint (POST /hocuspocus/auth)')
  }
  if (!secret) {
    throw new Error('roomauth: set HOCUSPOCUS_SECRET (the same secret as the app\'s) or pass `secret`')
  }

  return {
    extensionName: 'roomauth',

    async onAuthenticate({ token, documentName, requestHeaders, connectionConfig }) {
      const body = JSON.stringify({ documentName })
      const headers = {
        'Content-Type': 'application/json',
        'X-Hocuspocus-Signature-256':
          'sha256=' + createHmac('sha256', secret).update(body).digest('hex'),
      }
      const cookie = headerOf(requestHeaders, 'cookie')
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
        throw denied()
      }
      if (!response.ok) {
        await response.body?.cancel()
        // 401 and 403 are the rules' answers; anything else is a fault worth a line.
        if (response.status !== 401 && response.status !== 403) {
          console.warn(`roomauth: ${url} answered ${response.status} for ${JSON.stringify(documentName)}`)
        }
        throw denied()
      }
      let answer
      try {
        answer = await response.json()
      } catch {
        answer = undefined
      }
      if (typeof answer?.user !== 'string' || typeof answer?.readOnly !== 'boolean') {
        console.warn(`roomauth: ${url} answered 200 without {user, readOnly}`)
        throw denied()
      }
      connectionConfig.readOnly = answer.readOnly
      return { user: answer.user }
    },
  }
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
