const { createServer } = require('node:http')
const { note } = require('./teardown-log.cjs')

// GET /users lists the users; POST /users {"name"} registers one.
function createUsersApi(service) {
  const server = createServer(async (request, response) => {
    response.setHeader('content-type', 'application/json')
    try {
      if (request.method === 'POST') {
        let body = ''
        for await (const chunk of request) body += chunk
        const user = await service.register(JSON.parse(body).name)
        response.statusCode = 201
        response.end(JSON.stringify(user))
        return
      }
      response.end(JSON.stringify(await service.list()))
    } catch (error) {
      response.statusCode = 400
      response.end(JSON.stringify({ error: error.message }))
    }
  })
  server.on('close', () => note('HTTP API server closed'))
  return server
}

module.exports = { createUsersApi }
