// better-sqlite3 ships no types: its constructor, as src/integrations/better-sqlite3.ts calls it.
// The entry narrows what it returns with the types in better-sqlite3-types.ts.
declare module 'better-sqlite3' {
  const Database: new (filename: string | Buffer, options?: object) => object
  export default Database
}
