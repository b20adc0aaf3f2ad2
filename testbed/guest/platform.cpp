// SPDX-License-Identifier: MIT
#include "platform.h"

#include "abi/abi.h"
#include "altpv/extable.h"
#include "console.h"
#include "cpu_model.h"
#include "hypercall.h"
#include "pv_signature.h"
#include "qemu_devices.h"

// Set by pvh_entry (pvh_entry.S) before anything else runs; in .data, so
// guest_entry's clearing of .bss leaves it alone.
extern "C" const volatile std::uint8_t pvh_booted;

namespace altpv::guest {
namespace {

using altpv::testbed::Hypercall;

// The case running under a PVH boot, for its `test` record.
constinit std::string_view pvh_running_test = {};
// Firmware may leave its last line unterminated on COM1; the guest's first
// line must start a line of its own, or its record would not start with '{'.
constinit bool com1_used = false;

std::string_view verdict_name(TestVerdict v) {
  switch (v) {
    case TestVerdict::Pass:
      return "pass";
    case TestVerdict::Fail:
      return "fail";
    case TestVerdict::Skip:
      return "skip";
  }
  return "?";
}

// Whether RDMSR of an MSR no CPU has, and WRMSR of a reserved IA32_PAT
// memory type, raise #GP: plain instructions with their own exception-table
// entries, so no altpv site under test decides it.
bool rdmsr_faults(std::uint32_t msr, std::uint64_t& value) {
  std::uint32_t faulted, lo, hi;
  asm volatile(
      "mov $1, %[faulted]\n"
      "1: rdmsr\n"
      "3: xor %[faulted], %[faulted]\n"
      "2:\n" ALTPV_EXTABLE(1b, 3b, 2b)
      : [faulted] "=&r"(faulted), "=a"(lo), "=d"(hi)
      : "c"(msr));
  value = lo | std::uint64_t{hi} << 32;
  return faulted != 0;
}

bool wrmsr_faults(std::uint32_t msr, std::uint64_t value) {
  std::uint32_t faulted;
  asm volatile(
      "mov $1, %[faulted]\n"
      "1: wrmsr\n"
      "3: xor %[faulted], %[faulted]\n"
      "2:\n" ALTPV_EXTABLE(1b, 3b, 2b)
      : [faulted] "=&r"(faulted)
      : "c"(msr), "a"(static_cast<std::uint32_t>(value)),
        "d"(static_cast<std::uint32_t>(value >> 32))
      : "memory");
  return faulted != 0;
}

bool absent_msr_faults() {
  std::uint64_t ignored;
  return rdmsr_faults(altpv::testbed::kAbsentMsr, ignored);
}

bool reserved_pat_faults() {
  std::uint64_t pat;
  rdmsr_faults(altpv::msr::kIa32Pat.index, pat);
  if (wrmsr_faults(altpv::msr::kIa32Pat.index, 0x0202020202020202)) return true;  // type 2
  wrmsr_faults(altpv::msr::kIa32Pat.index, pat);
  return false;
}

}  // namespace

Platform platform() {
  return pvh_booted != 0 ? Platform::Pvh : Platform::Testbed;
}

std::string_view platform_name(Platform p) {
  return p == Platform::Pvh ? "pvh" : "altpv-vmm";
}

std::string_view missing(Requires what) {
  const Platform p = platform();
  if (what == Requires::Testbed && p != Platform::Testbed) {
    return "needs altpv-vmm (its hypercalls, MSRs, CPU models or counting); this is a PVH boot";
  }
  if (what == Requires::PvhBoot && p != Platform::Pvh) return "needs a PVH boot";
  if (p == Platform::Testbed) return {};
  if (what == Requires::MsrFaults && !absent_msr_faults()) {
    return "needs #GP for an MSR the CPU lacks, which this CPU does not raise (QEMU's TCG "
           "ignores unknown MSRs and unchecked values)";
  }
  if (what == Requires::ReservedPatFaults && !reserved_pat_faults()) {
    return "needs #GP for a reserved IA32_PAT memory type, which this CPU does not raise";
  }
  return {};
}

altpv::FeatureSet platform_features() {
  if (platform() == Platform::Pvh) return altpv::detect_cpu_features(altpv::cpuid_instruction);
  altpv::FeatureSet features = detect_model_features();
  // The synthetic PV bit: set when the testbed announces its PV interface;
  // patch_at_boot then hands the engine the PV backend (pv_backend.h).
  if (testbed_pv_present(features)) features.set(altpv::Feature::Pv);
  return features;
}

std::uint32_t vcpu_index() {
  if (platform() == Platform::Pvh) return altpv::cpuid_instruction(1, 0).ebx >> 24;
  return static_cast<std::uint32_t>(hypercall(Hypercall::VcpuIndex).value);
}

void console_write(std::string_view text) {
  if (platform() == Platform::Pvh) {
    if (!com1_used) com1_write("\n");
    com1_used = true;
    com1_write(text);
  } else {
    hypercall(Hypercall::ConsoleWrite, text);
  }
}

void exit_guest(std::uint64_t code) {
  if (platform() == Platform::Pvh) {
    Line().out().str("guest: exit ").dec(code);
    debug_exit(static_cast<std::uint32_t>(code));
    Line().out().str("guest: no isa-debug-exit device at port 0xf4; halting");
  } else {
    hypercall(Hypercall::Exit, code);
  }
  // Never fall back into the caller if the exit did not end the run.
  for (;;) asm volatile("cli; hlt");
}

void report_test_begin(std::string_view name) {
  if (platform() == Platform::Pvh) {
    pvh_running_test = name;
  } else {
    hypercall(Hypercall::TestBegin, name);
  }
}

void report_test_end(TestVerdict verdict, std::string_view message) {
  if (platform() == Platform::Testbed) {
    // BadState when no case is running, which is what that means here too.
    switch (verdict) {
      case TestVerdict::Pass:
        hypercall(Hypercall::TestPass);
        break;
      case TestVerdict::Fail:
        hypercall(Hypercall::TestFail, message);
        break;
      case TestVerdict::Skip:
        hypercall(Hypercall::TestSkip, message);
        break;
    }
    return;
  }
  if (pvh_running_test.empty()) return;
  JsonLine line("test");
  line.out().str("name", pvh_running_test).str("verdict", verdict_name(verdict));
  if (verdict == TestVerdict::Pass) {
    line.out().null("message");
  } else {
    line.out().str("message", message);
  }
  pvh_running_test = {};
}

}  // namespace altpv::guest
