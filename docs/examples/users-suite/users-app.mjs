// A small users service: an HTTP API over an in-memory store, and a background job that
// "syncs" the store every second. Each piece is a real resource a test must clean up.
import { createServer } from 'node:http'

export function createUsersStore() {
  const users = new Map()
  return {
    add: (name) => {
      const id = users.size + 1
      users.set(id, { id, name })
      return users.get(id)
    },
    list: () => [...users.values()],
  }
}

export function createUsersServer(store) {
  return createServer((request, response) => {
    if (request.method === 'POST') {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify(store.add(JSON.parse(body).name)))
      })
      return
    }
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify(store.list()))
  })
}

export function startSyncJob(store, onSync) {
  return setInterval(function syncUsers() {
    onSync(store.list().length)
  }, 1_000)
}
