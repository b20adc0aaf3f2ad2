// SPDX-License-Identifier: MIT
// One handler per hypercall (abi.h). Every pointer and length comes from the
// guest and is checked against guest RAM; a bad one fails the call, never
// the VMM.
#include <fmt/format.h>

#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

constexpr std::int64_t Status(tb::HypercallError e) {
  return static_cast<std::int64_t>(e);
}
constexpr std::int64_t kOk = Status(tb::HypercallError::Ok);
constexpr std::int64_t kBadNumber = Status(tb::HypercallError::BadNumber);
constexpr std::int64_t kBadPointer = Status(tb::HypercallError::BadPointer);
constexpr std::int64_t kBadMsr = Status(tb::HypercallError::BadMsr);
constexpr std::int64_t kBadState = Status(tb::HypercallError::BadState);
constexpr std::int64_t kNotPv = Status(tb::HypercallError::NotPv);
constexpr std::int64_t kBadArgument = Status(tb::HypercallError::BadArgument);

constexpr std::uint8_t kOutImm8Eax = 0xe7;  // out %eax, $imm8

// Names and messages longer than this are refused rather than copied.
constexpr std::uint64_t kMaxText = 64 * 1024;

}  // namespace

VcpuRunner::Next VcpuRunner::Hypercall(std::uint32_t number) {
  // The markers are not part of the window they delimit.
  bool is_marker = number == static_cast<std::uint32_t>(tb::Hypercall::MarkerBegin) ||
                   number == static_cast<std::uint32_t>(tb::Hypercall::MarkerEnd);
  if (!is_marker) CountExit(ExitKind::Io);

  kvm_regs regs = vcpu_.Regs();
  std::int64_t status = kBadNumber;
  switch (static_cast<tb::Hypercall>(number)) {
    case tb::Hypercall::ConsoleWrite:
      status = ConsoleWrite(regs);
      break;
    case tb::Hypercall::TestBegin:
      status = TestBegin(regs);
      break;
    case tb::Hypercall::TestPass:
      status = TestEnd(regs, TestStatus::Pass);
      break;
    case tb::Hypercall::TestFail:
      status = TestEnd(regs, TestStatus::Fail);
      break;
    case tb::Hypercall::TestSkip:
      status = TestEnd(regs, TestStatus::Skip);
      break;
    case tb::Hypercall::Exit:
      machine_.End({EndKind::GuestExit, static_cast<std::int64_t>(regs.rdi),
                    fmt::format("vCPU {}: guest called Exit({})", vcpu_.index(),
                                static_cast<std::int64_t>(regs.rdi)),
                    ""});
      return Next::Stop;
    case tb::Hypercall::MsrRead:
      status = MsrRead(regs);
      break;
    case tb::Hypercall::MsrWrite:
      status = MsrWrite(regs);
      break;
    case tb::Hypercall::MarkerBegin:
      status = MarkerBegin(regs);
      break;
    case tb::Hypercall::MarkerEnd:
      status = MarkerEnd(regs);
      break;
    case tb::Hypercall::StartVcpu:
      status = StartVcpu(regs);
      break;
    case tb::Hypercall::VcpuIndex:
      regs.rdx = vcpu_.index();
      status = kOk;
      break;
    case tb::Hypercall::EmulateInsn:
      CountExit(ExitKind::Emulated);
      status = EmulateInsn(regs);
      break;
  }
  regs.rax = static_cast<std::uint64_t>(status);
  vcpu_.SetRegs(regs);
  return Next::Resume;
}

std::int64_t VcpuRunner::ConsoleWrite(const kvm_regs& regs) {
  if (regs.rsi > kMaxText) return kBadArgument;
  auto text = machine_.memory().String(regs.rdi, regs.rsi);
  if (!text) return kBadPointer;
  machine_.console().Write(*text);
  return kOk;
}

std::int64_t VcpuRunner::TestBegin(const kvm_regs& regs) {
  if (regs.rsi > kMaxText) return kBadArgument;
  auto name = machine_.memory().String(regs.rdi, regs.rsi);
  if (!name) return kBadPointer;
  machine_.state().TestBegin(vcpu_.index(), std::move(*name));
  return kOk;
}

std::int64_t VcpuRunner::TestEnd(const kvm_regs& regs, TestStatus status) {
  std::string message;
  if (status != TestStatus::Pass) {
    if (regs.rsi > kMaxText) return kBadArgument;
    auto text = machine_.memory().String(regs.rdi, regs.rsi);
    if (!text) return kBadPointer;
    message = std::move(*text);
  }
  return machine_.state().TestEnd(vcpu_.index(), status, std::move(message)) ? kOk : kBadState;
}

std::int64_t VcpuRunner::MsrRead(kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  if (regs.rdi > UINT32_MAX) return kBadMsr;
  auto value = machine_.bank().Read(vcpu_.index(), static_cast<std::uint32_t>(regs.rdi), vcpu_,
                                    MsrPath::Hypercall);
  if (!value) return kBadMsr;
  regs.rdx = *value;
  return kOk;
}

std::int64_t VcpuRunner::MsrWrite(const kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  if (regs.rdi > UINT32_MAX) return kBadMsr;
  bool ok = machine_.bank().Write(vcpu_.index(), static_cast<std::uint32_t>(regs.rdi), regs.rsi,
                                  vcpu_, MsrPath::Hypercall);
  return ok ? kOk : kBadMsr;
}

std::int64_t VcpuRunner::MarkerBegin(const kvm_regs& regs) {
  if (counting_) return kBadState;
  counting_ = true;
  window_ = {};
  if (machine_.options().count_insns) {
    vcpu_.SetSingleStep(true);
    // Some KVMs exit with rip still at the `out` and retire it on the next
    // KVM_RUN, reporting that as a step landing right after it; this one
    // exits with rip already past it. Either way the `out` is not counted.
    std::vector<std::uint8_t> next = BytesAt(regs.rip);
    bool at_out = next.size() >= 2 && next[0] == kOutImm8Eax && next[1] == tb::kHypercallPort;
    marker_step_rip_ = at_out ? std::optional(regs.rip + 2) : std::nullopt;
  }
  return kOk;
}

std::int64_t VcpuRunner::MarkerEnd(const kvm_regs& regs) {
  if (!counting_) return kBadState;
  counting_ = false;
  marker_step_rip_.reset();
  if (machine_.options().count_insns) vcpu_.SetSingleStep(false);
  if (!machine_.memory().Contains(regs.rdi, sizeof(tb::Counters))) return kBadPointer;
  machine_.memory().WriteObject(regs.rdi, window_);
  return kOk;
}

std::int64_t VcpuRunner::StartVcpu(const kvm_regs& regs) {
  if (regs.rdi >= machine_.vcpu_count() || regs.rdi == 0) return kBadArgument;
  return machine_.StartAp(static_cast<std::uint32_t>(regs.rdi), {regs.rsi, regs.rdx, regs.r10})
             ? kOk
             : kBadState;
}

// The #UD path of CPU-model emulation: the same emulator as the
// emulation-failure exit, on the registers the guest's #UD handler saved.
std::int64_t VcpuRunner::EmulateInsn(const kvm_regs& regs) {
  auto frame = machine_.memory().ReadObject<tb::GprFrame>(regs.rdi);
  if (!frame) return kBadPointer;
  switch (EmulateMsrInsn(BytesAt(frame->rip), *frame, InsnContext(0))) {
    case EmulationResult::Done:
      machine_.memory().WriteObject(regs.rdi, *frame);
      return kOk;
    case EmulationResult::GeneralProtection:
      return kBadMsr;
    case EmulationResult::InvalidOpcode:
    case EmulationResult::NotMsrInsn:
    case EmulationResult::Truncated:
      break;
  }
  return kBadArgument;
}

}  // namespace altpv::vmm
