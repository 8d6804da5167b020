// What the Yjs document clients of tests/node/* share: waiting for a text to
// arrive in a session's document. A session is `{ doc }` (a Y.Doc, or none
// when it never opened).

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The session's `body` text, or '' when it has no document. */
export const text = (session) => session.doc?.getText('body').toString() ?? ''

/** Whether `needle` shows up in the session's text within `ms` milliseconds. */
export async function sees(session, needle, ms = 5000) {
  for (let waited = 0; waited < ms; waited += 50) {
    if (text(session).includes(needle)) return true
    await sleep(50)
  }
  return false
}
