// The real Hocuspocus server with roomauth's extension (the file shipped in
// the crate), on 127.0.0.1 and a free port. Prints `{"ws": "<url>", "http":
// "<url>"}` once it listens; stops when its standard input closes (the test
// that started it is gone).
//
//   ROOMAUTH_URL=http://127.0.0.1:8090/hocuspocus/auth HOCUSPOCUS_SECRET=... node server.mjs
//
// RECHECK_INTERVAL_MS sets the extension's `recheckIntervalMs`; HOOK=off
// turns its recheck hook off (`hookPath: null`).
import { Server } from '@hocuspocus/server'
import { roomauth } from '../../../roomauth/src/hocuspocus/extension.mjs'

const server = new Server({
  address: '127.0.0.1',
  port: 0,
  quiet: true,
  extensions: [
    roomauth({
      url: process.env.ROOMAUTH_URL,
      timeoutMs: 3000,
      ...(process.env.RECHECK_INTERVAL_MS && { recheckIntervalMs: Number(process.env.RECHECK_INTERVAL_MS) }),
      ...(process.env.HOOK === 'off' && { hookPath: null }),
    }),
  ],
})
await server.listen()
const port = server.address.port
console.log(JSON.stringify({ ws: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` }))

process.stdin.resume()
process.stdin.on('end', async () => {
  await server.destroy()
  process.exit(0)
})
