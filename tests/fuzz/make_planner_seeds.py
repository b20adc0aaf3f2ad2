#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes hand-built site tables in planner_fuzzer.cpp's input format into
# corpus/planner: the shapes the engine must handle (bytes and call
# alternatives, setup bytes, padding, already-patched sites) and the hostile
# ones it must refuse (overlaps, duplicates, reserved bits, pv without a
# backend). libFuzzer grows the corpus from these; see docs/fuzzing.md.
import os
import struct
import sys

TEXT, SITES, ALTS, REPL = 0, 1, 2, 3
PV = 0x80
ALWAYS = 0x7FFF
NOT = 0x8000


def ptr(region, offset):
    return struct.pack("<Bh", region, offset)


class Table:
    def __init__(self):
        self.text = bytearray()
        self.repl = bytearray()
        self.sites = []
        self.alts = []

    def repl_bytes(self, b):
        at = len(self.repl)
        self.repl += bytes(b)
        return at

    def alt(self, cond, kind, length, carried):
        at = self.repl_bytes(carried)
        self.alts.append(ptr(REPL, at) + struct.pack("<HBB", cond, kind, length))

    def site(self, original, alts, op=0, constant=None, text_at=None, flags=None, reserved=b"\0\0\0"):
        """alts: list of (cond, kind, length, carried bytes)."""
        first = len(self.alts)
        for a in alts:
            self.alt(*a)
        if text_at is None:
            self.text += b"\xcc" * 4
            text_at = len(self.text)
            self.text += bytes(original)
        orig = self.repl_bytes(original)
        if flags is None:
            flags = 1 if constant is not None else 0
        self.raw_site(text_at, orig, first, len(original), len(alts), op, constant or 0, flags, reserved)

    def raw_site(self, text_at, orig, first_alt, length, nalts, op=0, constant=0, flags=0,
                 reserved=b"\0\0\0"):
        self.sites.append(ptr(TEXT, text_at) + ptr(REPL, orig) + ptr(ALTS, first_alt * 8) +
                          struct.pack("<IHBBB", constant, op, length, nalts, flags) + reserved)

    def encode(self, features, backend=0, stub=0):
        head = struct.pack("<BBHBBBH", features, backend, stub, len(self.sites), len(self.alts),
                           len(self.text), len(self.repl))
        return head + b"".join(self.sites) + b"".join(self.alts) + bytes(self.text) + bytes(self.repl)


WRMSR_NS = [0x2E, 0x0F, 0x30, 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00]
WRMSR_NS_ALTS = [(0, 0, 3, [0x0F, 0x01, 0xC6]), (NOT | 32, 0, 2, [0x0F, 0x30]),
                 (2, 0, 9, [0xC4, 0xE7, 0x7A, 0xF6, 0xC0, 0x78, 0x56, 0x34, 0x12]),
                 (ALWAYS, 0, 1, [0xCC])]
MOV10 = [0xB8, 0x01, 0, 0, 0, 0x0F, 0x1F, 0x44, 0x00, 0x00]


def seeds():
    t = Table()
    t.site(WRMSR_NS, WRMSR_NS_ALTS, op=2)
    yield "bytes_alternatives", t.encode(features=0x01)

    t = Table()
    t.site(MOV10, [(32, 2, 10, []), (ALWAYS, 0, 5, [0xB8, 2, 0, 0, 0])], op=0x101, constant=0x1234)
    yield "call_rz_near_stub", t.encode(features=PV, backend=1, stub=200)
    yield "call_no_stub", t.encode(features=PV, backend=2)
    yield "call_far_stub", t.encode(features=PV, backend=3)
    yield "call_backend_not_ready", t.encode(features=PV, backend=1 | 4, stub=8)
    yield "pv_without_backend", t.encode(features=PV, backend=0)

    t = Table()
    setup = [0xB9, 0x48, 0, 0, 0]
    t.site(MOV10 + [0x66, 0x0F, 0x1F, 0x44, 0, 0], [(32, 2, 15, setup)], op=3, constant=0x48)
    t.site([0x0F, 0x30, 0x90], [(0, 0, 3, [0x0F, 0x01, 0xC6])], op=2)
    yield "call_after_setup", t.encode(features=PV | 0x01, backend=1, stub=0)

    t = Table()
    for _ in range(3):
        t.site(WRMSR_NS, WRMSR_NS_ALTS, op=2)
    second = 4 + len(WRMSR_NS) + 4
    t.text[second:second + 9] = bytes([0x0F, 0x01, 0xC6, 0x66, 0x0F, 0x1F, 0x44, 0, 0])
    yield "one_site_already_patched", t.encode(features=0x01)
    yield "second_write_fails", t.encode(features=0x01, backend=2 << 3 | 2)
    yield "scratch_short", t.encode(features=0x01, backend=0x40 | 2)

    # A 10-byte site with records at +2 and +5 that would each be patched.
    t = Table()
    t.site(MOV10, [(ALWAYS, 0, 5, [0xB8, 2, 0, 0, 0])])
    outer_text, outer_orig = 4, 0
    t.raw_site(outer_text + 2, outer_orig + 2, 0, 2, 0)
    t.alt(ALWAYS, 0, 1, [0x90])
    t.raw_site(outer_text + 5, outer_orig + 5, 1, 2, 1)
    yield "nested_overlaps", t.encode(features=0)

    t = Table()
    t.site(WRMSR_NS, WRMSR_NS_ALTS, op=2)
    t.raw_site(4, 9, 0, 9, 4, op=2)
    yield "duplicate_records", t.encode(features=0x01)

    t = Table()
    t.site(WRMSR_NS, WRMSR_NS_ALTS, op=2, reserved=b"\0\1\0")
    t.site(WRMSR_NS, WRMSR_NS_ALTS, op=2, flags=0x80)
    t.site([0x0F, 0x30, 0x90], [(7, 0, 3, [0x0F, 0x01, 0xC6]), (0, 5, 3, [0x90])])
    yield "reserved_bits_bad_condition_bad_kind", t.encode(features=0x7F)

    t = Table()
    t.site(list(range(0x40, 0x40 + 40)), [(ALWAYS, 0, 2, [0x31, 0xC0])])
    yield "long_padding", t.encode(features=0)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "planner")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, "seed_" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
