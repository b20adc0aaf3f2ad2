// SPDX-License-Identifier: MIT
// One handler per hypercall (abi.h). Every pointer and length comes from the
// guest and is checked against guest RAM; a bad one fails the call, never
// the VMM.
#include <algorithm>

#include <fmt/format.h>

#include "guest_limits.h"
#include "hypercall_status.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

using namespace hypercall_status;

constexpr std::uint8_t kOutImm8Eax = 0xe7;  // out %eax, $imm8

// Text for a test record: the guest's range is checked in full, then at
// most `limit` bytes are kept, marked when cut.
std::optional<std::string> record_text(const GuestMemory& memory, const kvm_regs& regs,
                                       std::size_t limit) {
  if (!memory.contains(regs.rdi, regs.rsi)) return std::nullopt;
  const std::uint64_t kept = std::min<std::uint64_t>(regs.rsi, limit);
  std::string text = *memory.read_string(regs.rdi, kept);
  if (kept < regs.rsi) text += fmt::format(" [cut: {} more bytes]", regs.rsi - kept);
  return text;
}

}  // namespace

VcpuRunner::Next VcpuRunner::handle_hypercall(std::uint32_t number) {
  // The markers are not part of the window they delimit.
  bool is_marker = number == static_cast<std::uint32_t>(tb::Hypercall::MarkerBegin) ||
                   number == static_cast<std::uint32_t>(tb::Hypercall::MarkerEnd);
  if (!is_marker) count_exit(ExitKind::Io);

  kvm_regs regs = vcpu_.regs();
  std::int64_t status = kBadNumber;
  switch (static_cast<tb::Hypercall>(number)) {
    case tb::Hypercall::ConsoleWrite:
      status = console_write(regs);
      break;
    case tb::Hypercall::TestBegin:
      status = test_begin(regs);
      break;
    case tb::Hypercall::TestPass:
      status = test_end(regs, TestStatus::Pass);
      break;
    case tb::Hypercall::TestFail:
      status = test_end(regs, TestStatus::Fail);
      break;
    case tb::Hypercall::TestSkip:
      status = test_end(regs, TestStatus::Skip);
      break;
    case tb::Hypercall::Exit:
      machine_.end_run({EndKind::GuestExit, static_cast<std::int64_t>(regs.rdi),
                        fmt::format("vCPU {}: guest called Exit({})", vcpu_.index(),
                                    static_cast<std::int64_t>(regs.rdi)),
                        ""});
      return Next::Stop;
    case tb::Hypercall::MsrRead:
      status = msr_read(regs);
      break;
    case tb::Hypercall::MsrWrite:
      status = msr_write(regs);
      break;
    case tb::Hypercall::MarkerBegin:
      status = marker_begin(regs);
      break;
    case tb::Hypercall::MarkerEnd:
      status = marker_end(regs);
      break;
    case tb::Hypercall::StartVcpu:
      status = start_vcpu(regs);
      break;
    case tb::Hypercall::VcpuIndex:
      regs.rdx = vcpu_.index();
      status = kOk;
      break;
    case tb::Hypercall::EmulateInsn:
      count_exit(ExitKind::Emulated);
      status = emulate_insn(regs);
      break;
    case tb::Hypercall::RegisterVcpuInfo:
      status = register_vcpu_info(regs);
      break;
    case tb::Hypercall::EventCheck:
      status = event_check();
      break;
    case tb::Hypercall::Block:
      return block(regs);
    case tb::Hypercall::LoadCr3:
      status = load_cr3(regs);
      break;
    case tb::Hypercall::FlushTlbOne:  // a full flush: KVM offers no narrower one
    case tb::Hypercall::FlushTlbAll:
      status = flush_tlb();
      break;
    case tb::Hypercall::MmuUpdate:
      status = mmu_update(regs);
      break;
    case tb::Hypercall::Wbinvd:
      status = wbinvd();
      break;
  }
  regs.rax = static_cast<std::uint64_t>(status);
  vcpu_.set_regs(regs);
  return Next::Resume;
}

std::int64_t VcpuRunner::console_write(const kvm_regs& regs) {
  if (regs.rsi > limits::kConsoleWriteBytes) return kBadArgument;
  auto text = machine_.memory().read_string(regs.rdi, regs.rsi);
  if (!text) return kBadPointer;
  if (!machine_.console().write(*text)) end_at_limit(console_limit_message());
  return kOk;
}

std::string VcpuRunner::console_limit_message() {
  return fmt::format("more than {} MiB of console output", limits::kConsoleBytes >> 20);
}

std::int64_t VcpuRunner::test_begin(const kvm_regs& regs) {
  auto name = record_text(machine_.memory(), regs, limits::kTestNameBytes);
  if (!name) return kBadPointer;
  if (!machine_.state().test_begin(vcpu_.index(), std::move(*name))) {
    end_at_limit(fmt::format("more than {} tests (TestBegin)", limits::kTests));
  }
  return kOk;
}

std::int64_t VcpuRunner::test_end(const kvm_regs& regs, TestStatus status) {
  std::string message;
  if (status != TestStatus::Pass) {
    auto text = record_text(machine_.memory(), regs, limits::kTestMessageBytes);
    if (!text) return kBadPointer;
    message = std::move(*text);
  }
  return machine_.state().test_end(vcpu_.index(), status, std::move(message)) ? kOk : kBadState;
}

std::int64_t VcpuRunner::msr_read(kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  if (regs.rdi > UINT32_MAX) return kBadMsr;
  auto value = machine_.bank().read(vcpu_.index(), static_cast<std::uint32_t>(regs.rdi), vcpu_,
                                    MsrPath::Hypercall);
  if (!value) return kBadMsr;
  regs.rdx = *value;
  return kOk;
}

std::int64_t VcpuRunner::msr_write(const kvm_regs& regs) {
  if (machine_.options().hv != Personality::Pv) return kNotPv;
  if (regs.rdi > UINT32_MAX) return kBadMsr;
  bool ok = machine_.bank().write(vcpu_.index(), static_cast<std::uint32_t>(regs.rdi), regs.rsi,
                                  vcpu_, MsrPath::Hypercall);
  return ok ? kOk : kBadMsr;
}

std::int64_t VcpuRunner::marker_begin(const kvm_regs& regs) {
  if (counting_) return kBadState;
  counting_ = true;
  window_ = {};
  if (machine_.options().count_insns) {
    vcpu_.set_single_step(true);
    // Some KVMs exit with rip still at the `out` and retire it on the next
    // KVM_RUN, reporting that as a step landing right after it; this one
    // exits with rip already past it. Either way the `out` is not counted.
    std::vector<std::uint8_t> next = bytes_at(regs.rip);
    bool at_out = next.size() >= 2 && next[0] == kOutImm8Eax && next[1] == tb::kHypercallPort;
    marker_step_rip_ = at_out ? std::optional(regs.rip + 2) : std::nullopt;
  }
  return kOk;
}

std::int64_t VcpuRunner::marker_end(const kvm_regs& regs) {
  if (!counting_) return kBadState;
  counting_ = false;
  marker_step_rip_.reset();
  if (machine_.options().count_insns) vcpu_.set_single_step(false);
  if (!machine_.memory().contains(regs.rdi, sizeof(tb::Counters))) return kBadPointer;
  machine_.memory().write_object(regs.rdi, window_);
  return kOk;
}

std::int64_t VcpuRunner::start_vcpu(const kvm_regs& regs) {
  if (regs.rdi >= machine_.vcpu_count() || regs.rdi == 0) return kBadArgument;
  return machine_.start_ap(static_cast<std::uint32_t>(regs.rdi), {regs.rsi, regs.rdx, regs.r10})
             ? kOk
             : kBadState;
}

// The #UD path of CPU-model emulation: the same emulator as the
// emulation-failure exit, on the registers the guest's #UD handler saved.
std::int64_t VcpuRunner::emulate_insn(const kvm_regs& regs) {
  auto frame = machine_.memory().read_object<tb::GprFrame>(regs.rdi);
  if (!frame) return kBadPointer;
  switch (emulate_msr_insn(bytes_at(frame->rip), *frame, insn_context(0))) {
    case EmulationResult::Done:
      machine_.memory().write_object(regs.rdi, *frame);
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
