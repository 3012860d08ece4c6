/** `127.0.0.1:5123`, or `[::1]:5123` for IPv6, as reports show socket addresses. */
export function formatAddress(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return '?'
  const host = address.includes(':') ? `[${address}]` : address
  return port === undefined ? host : `${host}:${port}`
}
