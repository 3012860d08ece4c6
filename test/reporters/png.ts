import { inflateSync } from 'node:zlib'

/** A decoded PNG: 8-bit RGBA pixels, row by row. */
export interface Image {
  readonly width: number
  readonly height: number
  readonly rgba: Uint8Array
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/**
 * Decodes the PNG files Chromium writes (8-bit RGB or RGBA, not interlaced), enough to count
 * the pixels of a color in a screenshot.
 */
export function decodePng(png: Buffer): Image {
  if (!png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) {
    throw new Error('not a PNG file')
  }
  let offset = 8
  let width = 0
  let height = 0
  let channels = 0
  const data: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    const body = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const [depth, colorType, , , interlace] = body.subarray(8, 13)
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG: depth ${depth}, color type ${colorType}`)
      }
      channels = colorType === 6 ? 4 : 3
    } else if (type === 'IDAT') {
      data.push(body)
    }
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(data))
  const stride = width * channels
  const pixels = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0
      const a = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0
      const b = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0
      const c = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0
      const predicted =
        filter === 1
          ? a
          : filter === 2
            ? b
            : filter === 3
              ? (a + b) >> 1
              : filter === 4
                ? paeth(a, b, c)
                : 0
      pixels[y * stride + x] = (value + predicted) & 0xff
    }
  }
  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = pixels[i * channels] ?? 0
    rgba[i * 4 + 1] = pixels[i * channels + 1] ?? 0
    rgba[i * 4 + 2] = pixels[i * channels + 2] ?? 0
    rgba[i * 4 + 3] = channels === 4 ? (pixels[i * channels + 3] ?? 0) : 255
  }
  return { width, height, rgba }
}

/** How many pixels are within `tolerance` of the color `#rrggbb` on each channel. */
export function countPixels(image: Image, hex: string, tolerance = 8): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  let count = 0
  for (let i = 0; i < image.rgba.length; i += 4) {
    if (
      Math.abs((image.rgba[i] ?? 0) - (r ?? 0)) <= tolerance &&
      Math.abs((image.rgba[i + 1] ?? 0) - (g ?? 0)) <= tolerance &&
      Math.abs((image.rgba[i + 2] ?? 0) - (b ?? 0)) <= tolerance
    ) {
      count++
    }
  }
  return count
}
