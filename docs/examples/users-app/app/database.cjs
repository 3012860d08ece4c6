// The schema, as a migration would create it.
async function migrate(db) {
  await db.schema.createTable('users', (table) => {
    table.increments('id')
    table.string('name').notNullable().unique()
    table.boolean('synced').notNullable().defaultTo(false)
  })
}

module.exports = { migrate }
