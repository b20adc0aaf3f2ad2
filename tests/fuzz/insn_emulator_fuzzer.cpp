// SPDX-License-Identifier: MIT
// Fuzz target: the VMM's MSR-instruction decoder and emulator, the code both
// emulation paths (KVM's emulation failure and the EmulateInsn hypercall)
// run on bytes and registers a guest chose.
//
// Input: u8 model (bit 0: +wrmsrns, bit 1: +msr_imm), u8 cpl (low 2 bits),
// a GprFrame (18 u64, missing bytes zero), then the instruction bytes.
// Checks: decoding never reads or claims more bytes than it was given; the
// emulator agrees with the decoder on what the bytes are; only a Done
// changes registers, and it moves rip by exactly the instruction's length.
#include <cstring>

#include "abi/abi.h"
#include "cpu_model.h"
#include "fake_arch_msrs.h"
#include "fuzz_input.h"
#include "insn_emulator.h"

namespace {

using namespace altpv::vmm;
using altpv::fuzz::FuzzInput;
using altpv::fuzz::require;

GuestCpuid model(std::uint8_t bits) {
  return cpu_model_with((bits & 1) != 0 ? ((bits & 2) != 0 ? "+wrmsrns,+msr_imm" : "+wrmsrns")
                                        : ((bits & 2) != 0 ? "+msr_imm" : ""));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const GuestCpuid cpu = model(in.u8());
  const unsigned cpl = in.u8() & 3;
  altpv::testbed::GprFrame frame{};
  std::uint64_t regs[sizeof frame / sizeof(std::uint64_t)];
  for (std::uint64_t& r : regs) r = in.u64();
  std::memcpy(&frame, regs, sizeof frame);
  // The bytes in a buffer of their own size, so ASan sees any read past them.
  const auto rest = in.rest();
  std::vector<std::uint8_t> bytes(rest.begin(), rest.end());

  const Decoded d = decode_msr_insn(bytes);
  if (d.status == DecodeStatus::Ok) {
    require(d.insn.length > 0 && d.insn.length <= bytes.size(), "decoded length out of range");
    require(d.insn.reg < 16, "decoded register out of range");
  }

  MsrBank bank{MsrLog()};
  FakeArchMsrs arch;
  const altpv::testbed::GprFrame before = frame;
  const EmulationResult r = emulate_msr_insn(bytes, frame, {cpu, bank, arch, 0, cpl});
  switch (r) {
    case EmulationResult::Done:
      require(d.status == DecodeStatus::Ok, "executed an instruction that did not decode");
      require(frame.rip == before.rip + d.insn.length, "rip not moved by the instruction's length");
      break;
    case EmulationResult::NotMsrInsn:
      require(d.status == DecodeStatus::NotMsrInsn, "decoder and emulator disagree (not ours)");
      break;
    case EmulationResult::Truncated:
      require(d.status == DecodeStatus::Truncated, "decoder and emulator disagree (truncated)");
      break;
    case EmulationResult::InvalidOpcode:
    case EmulationResult::GeneralProtection:
      break;
  }
  if (r != EmulationResult::Done) {
    require(std::memcmp(&frame, &before, sizeof frame) == 0,
            "a refused instruction changed registers");
  }
  return 0;
}
