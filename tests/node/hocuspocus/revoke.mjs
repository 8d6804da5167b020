// Keeping Hocuspocus answers true, with the real provider: alice is in
// project-1 (write) and project-2 (read) on two Hocuspocus servers with
// roomauth's extension, one serving the recheck hook the app's Revoker calls
// (push), one without it that re-asks on an interval (pull). The app's admin
// changes her access (`POST /admin/access`); this script reports what each
// connection became and after how many milliseconds. Driven by
// tests/revoke_e2e.rs; prints one JSON line.
//
//   APP_URL=... PUSH_URL=ws://.. PUSH_HTTP=http://.. PULL_URL=ws://.. \
//   ALICE_COOKIE=.. BOB_COOKIE=.. ADMIN_COOKIE=.. ALICE_TOKEN=.. node revoke.mjs
import { createHmac } from 'node:crypto'
import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { sees } from '../yjs-session.mjs'

const env = (name) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}
const app = env('APP_URL')
const cookies = { alice: env('ALICE_COOKIE'), bob: env('BOB_COOKIE'), nobody: undefined }
const providers = []

function socketWithCookie(cookie) {
  return class extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, cookie ? { headers: { Cookie: cookie } } : {})
    }
  }
}

/**
 * Opens `name` on the server at `url` as `who`: `{scope, doc, provider,
 * closed}` once synced (`closed` resolves with `{reason, at}` when the
 * server closes the document), or `{failed}`.
 */
function open(who, url, name, { token } = {}) {
  return new Promise((resolve) => {
    const doc = new Y.Doc()
    let scope
    let closedWith
    const closed = new Promise((resolveClosed) => (closedWith = resolveClosed))
    const timer = setTimeout(() => resolve({ failed: 'timeout' }), 8000)
    const provider = new HocuspocusProvider({
      url,
      name,
      document: doc,
      token,
      WebSocketPolyfill: socketWithCookie(cookies[who]),
      onAuthenticated: ({ scope: s }) => (scope = s),
      onAuthenticationFailed: ({ reason }) => {
        clearTimeout(timer)
        resolve({ failed: reason })
      },
      onSynced: () => {
        clearTimeout(timer)
        resolve({ scope, doc, provider, closed })
      },
      onClose: ({ event }) => closedWith({ reason: event.reason, at: Date.now() }),
    })
    providers.push(provider)
  })
}

async function setAccess(user, project, access) {
  const response = await fetch(`${app}/admin/access`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: env('ADMIN_COOKIE') },
    body: JSON.stringify({ user, project, access }),
  })
  const body = await response.json()
  return { status: response.status, hook: body.revoked?.[0]?.outcome }
}

/** `{reason}` of the close, and its time since `started`, or a timeout. */
async function closedWithin(session, started, ms) {
  const result = await Promise.race([
    session.closed,
    new Promise((resolve) => setTimeout(() => resolve({ reason: 'still open' }), ms)),
  ])
  return { closed: result.reason, ms: result.at ? result.at - started : null }
}

const [push, pull] = [env('PUSH_URL'), env('PULL_URL')]
const report = { ms: {} }
const push1 = await open('alice', push, 'project-1')
const pull1 = await open('alice', pull, 'project-1')
const push2 = await open('alice', push, 'project-2')
const bob2 = await open('bob', push, 'project-2')
const pull2Token = await open('nobody', pull, 'project-2', { token: env('ALICE_TOKEN') })
const push2Token = await open('nobody', push, 'project-2', { token: env('ALICE_TOKEN') })
report.before = {
  push1: push1.scope ?? push1.failed,
  pull1: pull1.scope ?? pull1.failed,
  push2: push2.scope ?? push2.failed,
  bob2: bob2.scope ?? bob2.failed,
  pull2_token: pull2Token.scope ?? pull2Token.failed,
}

// An upgrade makes her project-2 connection read-write at once, a downgrade
// read-only again: the extension asks the rules when the hook calls.
report.upgrade = await setAccess('alice', 2, 'write')
push2.doc.getText('body').insert(0, 'alice writes after the upgrade. ')
report.upgrade.alice_edit_reaches_bob = await sees(bob2, 'alice writes after the upgrade', 3000)
report.downgrade = await setAccess('alice', 2, 'read')
push2.doc.getText('body').insert(0, 'alice writes after the downgrade. ')
report.downgrade.alice_edit_reaches_bob = await sees(bob2, 'alice writes after the downgrade', 1500)

// Removed from project-1: the hook closes it now; the other server at its
// next recheck.
const started = Date.now()
report.revoke = await setAccess('alice', 1, null)
const push1Closed = await closedWithin(push1, started, 5000)
const pull1Closed = await closedWithin(pull1, started, 10000)
report.push1 = { closed: push1Closed.closed }
report.pull1 = { closed: pull1Closed.closed }
report.ms.push1_closed = push1Closed.ms
report.ms.pull1_closed = pull1Closed.ms

// Still in project-2.
bob2.doc.getText('body').insert(0, 'bob writes after the revoke. ')
report.push2_after = { bob_edit_reaches_alice: await sees(push2, 'bob writes after the revoke', 3000) }

// Her session ends (logout kills the bearer token too); the provider sends
// its token again (`sendToken()`, Hocuspocus's onTokenSync): the push
// server's interval is a minute away, so only onTokenSync can close it now.
await fetch(`${app}/logout`, { method: 'POST', headers: { Cookie: cookies.alice } })
const tokenStarted = Date.now()
await push2Token.provider.sendToken()
const tokenClosed = await closedWithin(push2Token, tokenStarted, 5000)
report.token_sync = { closed: tokenClosed.closed }
report.ms.token_sync_closed = tokenClosed.ms

// The hook refuses an unsigned call.
const unsigned = await fetch(`${env('PUSH_HTTP')}/roomauth/recheck`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ user: 'bob' }),
})
report.hook_unsigned = unsigned.status
// Signed but not the hook's body, not a POST: what to send instead.
const hookUrl = `${env('PUSH_HTTP')}/roomauth/recheck`
const signedPost = (body) =>
  fetch(hookUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Hocuspocus-Signature-256': 'sha256=' + createHmac('sha256', env('HOCUSPOCUS_SECRET')).update(body).digest('hex'),
    },
    body,
  })
// A whole user (no documentName): every document of bob's asked again.
report.hook_user_bob = await (await signedPost(JSON.stringify({ user: 'bob' }))).json()
const malformed = await signedPost('{"user": 42}')
report.hook_malformed = { status: malformed.status, error: (await malformed.json()).error }
report.hook_get = (await fetch(hookUrl)).status
const oversized = await signedPost(JSON.stringify({ user: 'x'.repeat(20000) }))
report.hook_oversized = oversized.status

console.log(JSON.stringify(report))
for (const provider of providers) provider.destroy()
process.exit(0)
