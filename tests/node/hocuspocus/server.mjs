// The real Hocuspocus server with roomauth's extension (the file shipped in
// the crate), on 127.0.0.1 and a free port. Prints `{"ws": "<url>"}` once it
// listens; stops when its standard input closes (the test that started it is gone).
//
//   ROOMAUTH_URL=http://127.0.0.1:8090/hocuspocus/auth HOCUSPOCUS_SECRET=... node server.mjs
import { Server } from '@hocuspocus/server'
import { roomauth } from '../../../roomauth/src/hocuspocus/extension.mjs'

const server = new Server({
  address: '127.0.0.1',
  port: 0,
  quiet: true,
  extensions: [roomauth({ url: process.env.ROOMAUTH_URL, timeoutMs: 3000 })],
})
await server.listen()
console.log(JSON.stringify({ ws: `ws://127.0.0.1:${server.address.port}` }))

process.stdin.resume()
process.stdin.on('end', async () => {
  await server.destroy()
  process.exit(0)
})
