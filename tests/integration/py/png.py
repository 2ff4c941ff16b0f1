"""Reads the 8-bit RGB/RGBA PNGs that compositors' screenshot tools write
(no palette, no interlacing): enough for comparing pixels exactly, with no
imaging library to install."""
import struct
import zlib


class Image:
    def __init__(self, width, height, channels, rows):
        self.width = width
        self.height = height
        self.channels = channels
        self.rows = rows  # one bytes object per row, `channels` bytes a pixel

    def rgb(self, x, y):
        i = x * self.channels
        row = self.rows[y]
        return row[i], row[i + 1], row[i + 2]


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind, row, previous, bpp):
    out = bytearray(row)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        up = previous[i]
        up_left = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + left) & 0xff
        elif kind == 2:
            out[i] = (out[i] + up) & 0xff
        elif kind == 3:
            out[i] = (out[i] + ((left + up) >> 1)) & 0xff
        elif kind == 4:
            out[i] = (out[i] + _paeth(left, up, up_left)) & 0xff
        elif kind != 0:
            raise ValueError(f'unknown PNG filter {kind}')
    return bytes(out)


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(f'{path} is not a PNG')
    offset, header, compressed = 8, None, []
    while offset < len(data):
        length, kind = struct.unpack('>I4s', data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            compressed.append(body)
        elif kind == b'IEND':
            break
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f'{path}: only 8-bit RGB/RGBA, non-interlaced PNGs are read here')
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b''.join(compressed))
    stride = width * channels
    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        previous = _unfilter(raw[start], raw[start + 1:start + 1 + stride], previous, channels)
        rows.append(previous)
    return Image(width, height, channels, rows)
