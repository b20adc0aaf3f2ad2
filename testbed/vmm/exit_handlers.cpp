// SPDX-License-Identifier: MIT
// The vCPU run loop and one handler per KVM exit kind.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "boot_structures.h"
#include "crash_report.h"
#include "guest_limits.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

constexpr std::uint16_t kSerialLast = tb::kSerialPort + 7;
constexpr std::uint16_t kSerialLineStatus = tb::kSerialPort + 5;
constexpr std::uint8_t kLineStatusIdle = 0x60;  // THR empty, transmitter idle
constexpr std::size_t kMaxInsnBytes = 15;

const char* exit_name(std::uint32_t reason) {
  switch (reason) {
    case KVM_EXIT_UNKNOWN:
      return "KVM_EXIT_UNKNOWN";
    case KVM_EXIT_EXCEPTION:
      return "KVM_EXIT_EXCEPTION";
    case KVM_EXIT_MMIO:
      return "KVM_EXIT_MMIO";
    case KVM_EXIT_FAIL_ENTRY:
      return "KVM_EXIT_FAIL_ENTRY";
    case KVM_EXIT_SYSTEM_EVENT:
      return "KVM_EXIT_SYSTEM_EVENT";
    default:
      return "unexpected exit";
  }
}

// Length of the breakpoint instruction (int3, int $3) `bytes` start with, or 0.
unsigned breakpoint_length(const std::vector<std::uint8_t>& bytes) {
  if (!bytes.empty() && bytes[0] == 0xcc) return 1;
  if (bytes.size() >= 2 && bytes[0] == 0xcd && bytes[1] == 0x03) return 2;
  return 0;
}

}  // namespace

void VcpuRunner::run() {
  try {
    if (vcpu_.index() != 0) {
      auto start = machine_.wait_for_start(vcpu_.index());
      if (!start) return;
      kvm_regs regs{};
      regs.rip = start->rip;
      regs.rsp = start->rsp;
      regs.rdi = start->arg;
      regs.rflags = 2;  // bit 1 is reserved-one
      vcpu_.set_regs(regs);
    }
    for (;;) {
      // Cleared before the checks: a stop or an event requested after it
      // makes the next KVM_RUN return at once.
      vcpu_.clear_immediate_exit();
      if (machine_.state().ended()) return;
      deliver_events();
      if (!vcpu_.run()) continue;  // kicked: the checks above decide
      if (dispatch() == Next::Stop) return;
      if (machine_.bank().log_full()) {
        end_at_limit(fmt::format("more than {} MSR accesses to log (the --msr-log limit)",
                                 limits::kMsrLogLines));
      }
    }
  } catch (const std::exception& e) {
    machine_.end_run(
        {EndKind::VmmError, 0, fmt::format("vCPU {}: {}", vcpu_.index(), e.what()), ""});
  }
}

VcpuRunner::Next VcpuRunner::dispatch() {
  kvm_run& run = vcpu_.run_page();
  switch (run.exit_reason) {
    case KVM_EXIT_IO:
      return handle_io();
    case KVM_EXIT_X86_RDMSR:
      return handle_msr(false);
    case KVM_EXIT_X86_WRMSR:
      return handle_msr(true);
    case KVM_EXIT_DEBUG:
      return handle_debug();
    case KVM_EXIT_INTERNAL_ERROR:
      return handle_internal_error();
    case KVM_EXIT_HLT:
      return handle_hlt();
    case KVM_EXIT_IRQ_WINDOW_OPEN:
      return handle_irq_window();
    case KVM_EXIT_SHUTDOWN:
      return crash("triple fault (KVM_EXIT_SHUTDOWN): an exception could not be delivered");
    case KVM_EXIT_MMIO:
      return crash(fmt::format("{}-byte {} of unbacked guest-physical {:#x} (KVM_EXIT_MMIO)",
                               run.mmio.len, run.mmio.is_write ? "write" : "read",
                               run.mmio.phys_addr));
    case KVM_EXIT_FAIL_ENTRY:
      return crash(fmt::format("VM entry failed (KVM_EXIT_FAIL_ENTRY, reason {:#x})",
                               run.fail_entry.hardware_entry_failure_reason));
    default:
      return crash(fmt::format("{} (exit reason {})", exit_name(run.exit_reason), run.exit_reason));
  }
}

void VcpuRunner::end_at_limit(std::string what) {
  machine_.end_run({EndKind::Limit, 0,
                    fmt::format("vCPU {}: the guest reached a VMM limit: {}", vcpu_.index(), what),
                    ""});
}

VcpuRunner::Next VcpuRunner::crash(std::string reason) {
  std::string report = vcpu_report(vcpu_, machine_.memory());
  machine_.end_run(
      {EndKind::Crash, 0, fmt::format("vCPU {}: {}", vcpu_.index(), reason), std::move(report)});
  return Next::Stop;
}

void VcpuRunner::count_exit(ExitKind kind) {
  for (tb::Counters* c : {&totals_, counting_ ? &window_ : nullptr}) {
    if (c == nullptr) continue;
    ++c->exits;
    if (kind == ExitKind::Io) ++c->exits_io;
    if (kind == ExitKind::Msr) ++c->exits_msr;
    if (kind == ExitKind::Emulated) ++c->exits_emulated;
  }
}

VcpuRunner::Next VcpuRunner::handle_io() {
  const auto& io = vcpu_.run_page().io;
  if (io.port == tb::kHypercallPort) {
    if (io.direction != KVM_EXIT_IO_OUT || io.size != 4 || io.count != 1) {
      return crash(fmt::format("hypercall port {:#x} used with {} of size {} (need `out %eax`)",
                               io.port, io.direction == KVM_EXIT_IO_OUT ? "out" : "in", io.size));
    }
    std::uint32_t number;
    std::memcpy(&number, reinterpret_cast<const std::uint8_t*>(&vcpu_.run_page()) + io.data_offset,
                sizeof number);
    return handle_hypercall(number);
  }
  if (io.port >= tb::kSerialPort && io.port <= kSerialLast) return handle_serial(io);
  return crash(fmt::format("access to unknown I/O port {:#x} ({} of size {})", io.port,
                           io.direction == KVM_EXIT_IO_OUT ? "out" : "in", io.size));
}

// A minimal 16550: data writes are console output, the line status register
// always says "ready", everything else reads as zero and ignores writes.
VcpuRunner::Next VcpuRunner::handle_serial(const decltype(kvm_run::io)& io) {
  count_exit(ExitKind::Io);
  auto* data = reinterpret_cast<std::uint8_t*>(&vcpu_.run_page()) + io.data_offset;
  std::size_t bytes = std::size_t{io.size} * io.count;
  if (io.direction == KVM_EXIT_IO_OUT) {
    if (io.port == tb::kSerialPort &&
        !machine_.console().write({reinterpret_cast<const char*>(data), bytes})) {
      end_at_limit(console_limit_message());
    }
  } else {
    std::memset(data, io.port == kSerialLineStatus ? kLineStatusIdle : 0, bytes);
  }
  return Next::Resume;
}

// Only the bank's MSRs (filtered) and MSRs KVM does not know reach here; the
// latter get the architectural #GP.
VcpuRunner::Next VcpuRunner::handle_msr(bool write) {
  count_exit(ExitKind::Msr);
  auto& msr = vcpu_.run_page().msr;
  if (write) {
    msr.error =
        machine_.bank().write(vcpu_.index(), msr.index, msr.data, vcpu_, MsrPath::Trap) ? 0 : 1;
  } else {
    auto value = machine_.bank().read(vcpu_.index(), msr.index, vcpu_, MsrPath::Trap);
    msr.error = value ? 0 : 1;
    msr.data = value.value_or(0);
  }
  return Next::Resume;
}

// One single-step exit per retired guest instruction while counting.
VcpuRunner::Next VcpuRunner::handle_debug() {
  if (!counting_) return Next::Resume;  // a step that was pending when counting stopped
  bool marker_step = marker_step_rip_ && vcpu_.run_page().debug.arch.pc == *marker_step_rip_;
  marker_step_rip_.reset();  // only the first step can be MarkerBegin's `out`
  if (!marker_step) {
    ++window_.instructions;
    ++totals_.instructions;
  }
  return Next::Resume;
}

VcpuRunner::Next VcpuRunner::handle_internal_error() {
  const auto& internal = vcpu_.run_page().internal;
  if (internal.suberror == KVM_INTERNAL_ERROR_EMULATION) return handle_emulation_failure();
  return crash(
      fmt::format("KVM internal error, suberror {}, data {:#x}", internal.suberror,
                  fmt::join(internal.data, internal.data + std::min(internal.ndata, 16u), " ")));
}

// KVM's emulator met an instruction it does not know. If it is one the CPU
// model advertises (WRMSRNS, the immediate forms), execute it here; the
// decoder refuses everything else and the guest crashes with a report.
VcpuRunner::Next VcpuRunner::handle_emulation_failure() {
  count_exit(ExitKind::Emulated);
  const auto& failure = vcpu_.run_page().emulation_failure;
  kvm_regs regs = vcpu_.regs();
  std::vector<std::uint8_t> bytes;
  if ((failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) != 0 &&
      failure.ndata >= 2) {
    bytes.assign(failure.insn_bytes,
                 failure.insn_bytes + std::min<std::size_t>(failure.insn_size, kMaxInsnBytes));
  }
  kvm_sregs sregs = vcpu_.sregs();
  tb::GprFrame frame = to_frame(regs);
  MsrInsnContext ctx = insn_context(sregs.cs.dpl);
  EmulationResult result = EmulationResult::Truncated;
  if (machine_.options().emulate_via_ud) {
    // Only the #UD is wanted; the guest's handler will ask via EmulateInsn.
    Decoded d = decode_msr_insn(bytes.empty() ? bytes_at(regs.rip) : bytes);
    result = d.status == DecodeStatus::Ok || d.status == DecodeStatus::Invalid
                 ? EmulationResult::InvalidOpcode
                 : EmulationResult::NotMsrInsn;
  } else {
    result = emulate_msr_insn(bytes, frame, ctx);
    // KVM may pass fewer bytes than it fetched; guest memory has them all.
    if (result == EmulationResult::Truncated) {
      bytes = bytes_at(regs.rip);
      result = emulate_msr_insn(bytes, frame, ctx);
    }
  }

  switch (result) {
    case EmulationResult::Done:
      from_frame(frame, regs);
      vcpu_.set_regs(regs);
      // Skipped in user space, so single-step never saw it retire.
      if (counting_) {
        ++window_.instructions;
        ++totals_.instructions;
      }
      return Next::Resume;
    case EmulationResult::InvalidOpcode:
      vcpu_.inject_exception(kVectorUd, std::nullopt);
      return Next::Resume;
    case EmulationResult::GeneralProtection:
      vcpu_.inject_exception(kVectorGp, 0);
      return Next::Resume;
    case EmulationResult::NotMsrInsn:
    case EmulationResult::Truncated:
      break;
  }
  // Some KVMs (kvm_pvm) report int3 and int $3 as emulation failures.
  // #BP is a trap: the guest sees the rip after the instruction.
  if (const unsigned length = breakpoint_length(bytes.empty() ? bytes_at(regs.rip) : bytes)) {
    regs.rip += length;
    vcpu_.set_regs(regs);
    vcpu_.inject_exception(kVectorBp, std::nullopt);
    return Next::Resume;
  }
  return crash(
      fmt::format("KVM cannot emulate the instruction at rip {:#x} (bytes {:02x}) and it "
                  "is not one the VMM emulates",
                  regs.rip, fmt::join(bytes, " ")));
}

std::vector<std::uint8_t> VcpuRunner::bytes_at(std::uint64_t rip) const {
  auto gpa = vcpu_.translate(rip);
  if (!gpa || !machine_.memory().contains(*gpa, 1)) return {};
  std::uint64_t n = std::min<std::uint64_t>(kMaxInsnBytes, machine_.memory().size() - *gpa);
  auto bytes = machine_.memory().bytes(*gpa, n);
  return {bytes->begin(), bytes->end()};
}

MsrInsnContext VcpuRunner::insn_context(unsigned cpl) {
  return {machine_.model(), machine_.bank(), vcpu_, vcpu_.index(), cpl};
}

}  // namespace altpv::vmm
