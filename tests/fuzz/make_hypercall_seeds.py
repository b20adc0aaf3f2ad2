#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes hand-built hypercall scripts in hypercall_fuzzer.cpp's input format
# into corpus/hypercall: each call of the ABI with good and bad pointers, the
# test and marker sequences in and out of order, StartVcpu, the PV MSR calls
# and EmulateInsn on a real WRMSRNS, and the caps (a TestBegin flood). The
# guest RAM image holds text at 0x100 and a GprFrame at 0x800. libFuzzer grows
# the corpus from these; see docs/fuzzing.md.
import os
import struct
import sys

PV, COUNT = 1, 2
(CONSOLE, BEGIN, PASS, FAIL, SKIP, EXIT, MSR_READ, MSR_WRITE, MARK_BEGIN, MARK_END, START,
 INDEX, EMULATE) = range(1, 14)
TEXT, FRAME, COUNTERS = 0x100, 0x800, 0x900
RAM = 64 << 10
RIP = 0x1000  # `out %eax, $0xe0` in the image


def call(number, rdi=0, rsi=0, rdx=0, r10=0, r8=0, repeat=0, rip=RIP):
    """`repeat` is the r byte: 0..3 extra calls, or 0xff for 1024."""
    head = struct.pack("<B", number) if number < 0x80 else struct.pack("<BI", 0x80, number)
    return head + struct.pack("<B6Q", repeat, rdi, rsi, rdx, r10, r8, rip)


def image():
    ram = bytearray(0x1010)
    text = b"hypercall seed text"
    ram[TEXT:TEXT + len(text)] = text
    # GprFrame: rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8..r15, rip, rflags;
    # rip points at WRMSRNS (0f 01 c6) writing synthetic MSR 0x40000101.
    frame = [0] * 18
    frame[2] = 0x40000101
    frame[16] = 0xc00
    ram[FRAME:FRAME + 18 * 8] = struct.pack("<18Q", *frame)
    ram[0xc00:0xc03] = bytes([0x0F, 0x01, 0xC6])
    ram[RIP:RIP + 2] = bytes([0xE7, 0xE0])
    return bytes(ram)


def script(calls, flags=0, vcpus=1, index=0):
    return struct.pack("<4B", flags, vcpus - 1, index, len(calls)) + b"".join(calls) + image()


SEEDS = {
    "console": script([call(CONSOLE, TEXT, 19), call(CONSOLE, RAM - 4, 8),
                       call(CONSOLE, TEXT, (64 << 10) + 1)]),
    "tests": script([call(BEGIN, TEXT, 9), call(PASS), call(BEGIN, TEXT, 4), call(FAIL, TEXT, 19),
                     call(BEGIN, TEXT, 4), call(SKIP, TEXT, 4), call(PASS), call(FAIL, RAM, 1),
                     call(EXIT, 0)]),
    "test_names_cut": script([call(BEGIN, 0, 4096), call(FAIL, 0, 8192), call(EXIT, 1)]),
    "test_flood": script([call(BEGIN, TEXT, 8), call(PASS, repeat=0xFF), call(BEGIN, TEXT, 8, repeat=0xFF)]),
    "markers": script([call(MARK_END, COUNTERS), call(MARK_BEGIN), call(MARK_BEGIN),
                       call(INDEX), call(CONSOLE, TEXT, 3), call(MARK_END, COUNTERS),
                       call(MARK_BEGIN), call(MARK_END, RAM - 8)], flags=COUNT),
    "msr_pv": script([call(MSR_WRITE, 0x40000100, 42), call(MSR_READ, 0x40000100),
                      call(MSR_READ, 0x40000fff), call(MSR_WRITE, 0x277, 0xffff_ffff_ffff_ffff),
                      call(MSR_READ, 1 << 32)], flags=PV),
    "msr_hvm": script([call(MSR_READ, 0x40000100), call(MSR_WRITE, 0x40000100, 1)]),
    "start_vcpu": script([call(START, 1, 0x2000, 0x3000, 7), call(START, 1, 0x2000),
                          call(START, 0), call(START, 4), call(INDEX)], vcpus=4),
    "ap": script([call(INDEX), call(BEGIN, TEXT, 4), call(PASS), call(EXIT, 3)], vcpus=2, index=1),
    "emulate": script([call(EMULATE, FRAME), call(EMULATE, RAM - 16), call(EMULATE, TEXT)],
                      flags=PV),
    "numbers": script([call(0), call(14), call(22), call(23), call(31), call(0x10000),
                       call(0xFFFFFFFF), call(EXIT, 0xFFFF_FFFF_FFFF_FFFF)]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus",
                                                              "hypercall")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
