// SPDX-License-Identifier: MIT
// Timer events on one vCPU: delivery before each entry, the interrupt
// window, HLT and the event hypercalls (RegisterVcpuInfo, EventCheck, Block).
#include <atomic>

#include <fmt/format.h>

#include "hypercall_status.h"
#include "vcpu_runner.h"

namespace altpv::vmm {
namespace {

namespace tb = altpv::testbed;

}  // namespace

// The VcpuInfo byte at `offset`, or null before RegisterVcpuInfo. The range
// was checked when it was registered and RAM never shrinks.
std::uint8_t* VcpuRunner::vcpu_info_field(std::uint32_t offset) {
  if (!vcpu_info_gpa_) return nullptr;
  return machine_.memory().host_base() + *vcpu_info_gpa_ + offset;
}

// HVM (and none): the guest's RFLAGS.IF decides, through KVM's readiness
// flags and interrupt-window exits. PV: the virtual mask decides first; a
// masked event is held and flagged in event_pending, and goes in at the
// first entry after the guest clears the mask and exits (EventCheck, Block,
// any other exit, or the next tick's kick). Until the guest registers its
// VcpuInfo, a PV vCPU has no mask to consult and its events wait.
void VcpuRunner::deliver_events() {
  kvm_run& run = vcpu_.run_page();
  VcpuEvents& events = machine_.events(vcpu_.index());
  run.request_interrupt_window = 0;
  if (!events.pending()) return;
  const bool pv = machine_.options().hv == Personality::Pv;
  std::uint8_t* pending_flag = vcpu_info_field(tb::kVcpuEventPending);
  if (pv) {
    if (pending_flag == nullptr) return;
    if (std::atomic_ref(*vcpu_info_field(tb::kVcpuEventMask)).load() != 0) {
      std::atomic_ref(*pending_flag).store(1);
      return;
    }
  }
  if (run.ready_for_interrupt_injection == 0 || run.if_flag == 0) {
    run.request_interrupt_window = 1;
    return;
  }
  vcpu_.inject_interrupt(tb::kTimerVector);
  events.clear();
  if (pv) std::atomic_ref(*pending_flag).store(0);
}

VcpuRunner::Next VcpuRunner::handle_irq_window() {
  count_exit(ExitKind::Other);
  return Next::Resume;  // the loop injects before the next entry
}

// HLT stops a vCPU until an interrupt it can take. Without a timer, or with
// IF clear, none will ever come: an AP that halts then is done (parks); the
// BSP halting means the guest never called Exit.
VcpuRunner::Next VcpuRunner::handle_hlt() {
  count_exit(ExitKind::Other);
  const bool can_wake = machine_.options().tick_us != 0 && vcpu_.run_page().if_flag != 0;
  return sleep_until_event(can_wake, "halted (HLT)");
}

VcpuRunner::Next VcpuRunner::sleep_until_event(bool can_wake, const char* how) {
  if (!can_wake) {
    if (vcpu_.index() != 0) return Next::Stop;
    return crash(fmt::format(
        "the bootstrap vCPU {} with nothing to wake it ({}) and without calling the Exit "
        "hypercall",
        how, machine_.options().tick_us == 0 ? "no timer: --tick-us is 0" : "interrupts disabled"));
  }
  // False: the run ended while it slept; the loop sees that.
  machine_.events(vcpu_.index()).wait();
  return Next::Resume;
}

std::int64_t VcpuRunner::register_vcpu_info(const kvm_regs& regs) {
  if (regs.rdi % alignof(tb::VcpuInfo) != 0) return hypercall_status::kBadArgument;
  if (!machine_.memory().contains(regs.rdi, sizeof(tb::VcpuInfo))) {
    return hypercall_status::kBadPointer;
  }
  vcpu_info_gpa_ = regs.rdi;
  return hypercall_status::kOk;
}

// The exit itself is the point: the loop delivers a pending event before
// the guest runs again, if the mask now allows it.
std::int64_t VcpuRunner::event_check() {
  if (machine_.options().hv != Personality::Pv) return hypercall_status::kNotPv;
  return hypercall_status::kOk;
}

// The PV safe_halt: unmask and sleep as one step, so an event pending when
// the guest decided to block is delivered at once instead of lost.
VcpuRunner::Next VcpuRunner::block(kvm_regs& regs) {
  std::int64_t status = hypercall_status::kOk;
  if (machine_.options().hv != Personality::Pv) {
    status = hypercall_status::kNotPv;
  } else if (!vcpu_info_gpa_) {
    status = hypercall_status::kBadState;  // no mask to clear
  }
  regs.rax = static_cast<std::uint64_t>(status);
  vcpu_.set_regs(regs);
  if (status != hypercall_status::kOk) return Next::Resume;
  std::atomic_ref(*vcpu_info_field(tb::kVcpuEventMask)).store(0);
  return sleep_until_event(machine_.options().tick_us != 0, "blocked (Block hypercall)");
}

}  // namespace altpv::vmm
