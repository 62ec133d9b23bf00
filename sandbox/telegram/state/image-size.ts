/** Width and height from a PNG, GIF or JPEG header, so PhotoSize entries look plausible. */
export function sniffImageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length >= 24 && view.readUInt32BE(0) === 0x89504e47) {
    return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
  }
  if (view.length >= 10 && view.toString("latin1", 0, 3) === "GIF") {
    return { width: view.readUInt16LE(6), height: view.readUInt16LE(8) };
  }
  if (view.length >= 4 && view[0] === 0xff && view[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < view.length) {
      if (view[offset] !== 0xff) return undefined;
      const marker = view[offset + 1] as number;
      const length = view.readUInt16BE(offset + 2);
      const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isStartOfFrame)
        return { height: view.readUInt16BE(offset + 5), width: view.readUInt16BE(offset + 7) };
      offset += 2 + length;
    }
  }
  return undefined;
}
