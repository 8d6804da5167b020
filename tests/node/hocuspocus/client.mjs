// The real @hocuspocus/provider (with yjs) in Node, as browsers of alice, bob
// and a visitor without a session would use it. Prints one JSON object with
// what each of them saw; the Rust test asserts on it.
//
//   HOCUSPOCUS_URL=ws://127.0.0.1:1234 ALICE_COOKIE='session=...' BOB_COOKIE='session=...' \
//   CAROL_COOKIE='session=...' ALICE_TOKEN=<alice's POST /token> node client.mjs
import { HocuspocusProvider } from '@hocuspocus/provider'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { sees, sleep, text } from '../yjs-session.mjs'

const url = process.env.HOCUSPOCUS_URL
const cookies = {
  alice: process.env.ALICE_COOKIE,
  bob: process.env.BOB_COOKIE,
  carol: process.env.CAROL_COOKIE,
  nobody: undefined,
}
const providers = []

/** A WebSocket that sends `cookie` on the upgrade, as the browser would. */
function socketWithCookie(cookie) {
  return class extends WebSocket {
    constructor(address, protocols) {
      super(address, protocols, cookie ? { headers: { Cookie: cookie } } : {})
    }
  }
}

/** Opens `name` as `who`: `{scope, doc}` once authenticated and synced, or `{failed}`. */
function open(who, name, { token } = {}) {
  return new Promise((resolve) => {
    const doc = new Y.Doc()
    let scope
    const timer = setTimeout(() => resolve({ failed: 'timeout' }), 8000)
    const provider = new HocuspocusProvider({
      url,
      name,
      document: doc,
      token,
      WebSocketPolyfill: socketWithCookie(cookies[who]),
      onAuthenticated: ({ scope: s }) => {
        scope = s
      },
      onAuthenticationFailed: ({ reason }) => {
        clearTimeout(timer)
        resolve({ failed: reason })
      },
      onSynced: () => {
        clearTimeout(timer)
        resolve({ scope, doc, provider })
      },
    })
    providers.push(provider)
  })
}


/** Waits until `session`'s text includes `needle`, up to `ms`. */

const report = {}
const failed = (session) => session.failed ?? `opened with scope ${session.scope}`

// alice writes project-1; a second client of hers sees the edit.
const alice1 = await open('alice', 'project-1')
const alice1Again = await open('alice', 'project-1')
alice1.doc.getText('body').insert(0, 'alice edits project-1. ')
report.project1 = {
  scope: alice1.scope,
  second_scope: alice1Again.scope,
  second_sees_edit: await sees(alice1Again, 'alice edits project-1'),
}

// alice reads project-2: bob (a writer) sees his own edit arrive at alice,
// but alice's edit reaches no one, not even a client opened afterwards.
const alice2 = await open('alice', 'project-2')
const bob2 = await open('bob', 'project-2')
alice2.doc.getText('body').insert(0, 'alice tries project-2. ')
bob2.doc.getText('body').insert(0, 'bob edits project-2. ')
const aliceSeesBob = await sees(alice2, 'bob edits project-2')
const bobSeesAlice = await sees(bob2, 'alice tries project-2', 1500)
const bob2Later = await open('bob', 'project-2')
report.project2 = {
  scope: alice2.scope,
  bob_scope: bob2.scope,
  alice_sees_bob: aliceSeesBob,
  bob_sees_alice: bobSeesAlice,
  later_client_sees_alice: text(bob2Later).includes('alice tries project-2'),
  later_client_sees_bob: text(bob2Later).includes('bob edits project-2'),
}

// The provider's token (forwarded as `Authorization: Bearer`) instead of a cookie:
// alice's, from the app's `POST /token`.
const aliceToken = process.env.ALICE_TOKEN
const byToken = await open('nobody', 'project-1', { token: aliceToken })
report.token = {
  alice_token_project1: byToken.scope ?? byToken.failed,
  alice_token_project3: failed(await open('nobody', 'project-3', { token: aliceToken })),
}

// Refusals: a project without alice, carol in no project, no session at all.
report.refused = {
  alice_project3: failed(await open('alice', 'project-3')),
  carol_project1: failed(await open('carol', 'project-1')),
  nobody_project1: failed(await open('nobody', 'project-1')),
  nobody_with_unknown_token: failed(await open('nobody', 'project-1', { token: 'not-a-session' })),
}

console.log(JSON.stringify(report))
for (const provider of providers) provider.destroy()
process.exit(0)
