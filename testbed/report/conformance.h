// SPDX-License-Identifier: MIT
// MSR conformance of one testbed machine (docs/demo.md, "Conformance"). Each
// expected value comes from something the engine did not produce: the
// writes the workload announces, the machine's CPU model and personality,
// and the guest's memory as the VMM dumped it.
//   - the writes the VMM logged are, in order, the writes msr.workload
//     announced, minus the ones the PV backend drops by policy;
//   - each arrived by the path the machine implies;
//   - the VMM's final bank holds the last such write per MSR;
//   - the guest's own verdict is pass;
//   - every site holds in memory the bytes the engine reported for it, and
//     the constant-index wrmsr_ns site holds the instruction the machine
//     implies;
// and, across personalities, the same CPU model writes the same (msr,
// value) sequence under hvm and pv, but for the drops.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "elf_file.h"
#include "guest_output.h"
#include "machine_run.h"
#include "machines.h"

namespace altpv::testbed::report {

// ---- How a write must reach the VMM --------------------------------------------

enum class WritePath {
  Trap,          // WRMSR (or CS-prefixed WRMSR) trapped by KVM
  EmulatedInsn,  // WRMSRNS or WRMSRNS imm: the VMM emulates what the host lacks
  Hypercall,     // the PV stub's MsrWrite
  Dropped,       // the PV backend discards it by policy: no log entry
};

// The name --msr-log uses ("dropped" never appears there).
std::string_view path_name(WritePath path);

// The API forms msr.workload announces (ExpectedWrite::op).
bool known_write_op(std::string_view op);

// The PV backend discards writes to this MSR (testbed MSR 3, a trace
// register the PV hypervisor does not keep; testbed/guest/pv_backend.cpp).
bool pv_drops(std::uint32_t msr);

WritePath expected_path(const ExpectedWrite& write, const MachineConfig& machine);

// ---- Checks --------------------------------------------------------------------

CheckResult check_writes(const MachineConfig& machine, const std::vector<ExpectedWrite>& expected,
                         const std::vector<LoggedMsrAccess>& log);

CheckResult check_final_bank(const MachineConfig& machine,
                             const std::vector<ExpectedWrite>& expected, const VmmResult& result);

// Every test in `tests` ran and passed, and the guest exited 0.
CheckResult check_guest_passed(const VmmResult& result, const std::vector<std::string>& tests);

// No access at all to `msr` (e.g. one the VMM must refuse) reached the log.
CheckResult check_untouched(const std::vector<LoggedMsrAccess>& log, std::uint32_t msr);

CheckResult check_differential(const std::vector<LoggedMsrAccess>& hvm_log,
                               const std::vector<LoggedMsrAccess>& pv_log);

// Every site the guest reported patched or unchanged holds, in the dumped
// text, exactly the bytes it reported: the engine's report is not taken on
// trust.
CheckResult check_decisions_in_memory(const std::vector<DecisionRecord>& decisions,
                                      const inspect::ElfFile& dumped_text);

// The reference function of the constant-index wrmsr_ns site.
inline constexpr const char* kWrmsrNsConstFunction = "figure_altpv_wrmsr_ns_const";

// The constant-index wrmsr_ns site, decoded from the dumped text, holds what
// the machine implies: a call to a native-ABI stub under pv, else WRMSRNS
// imm32,%rax with MSR_IMM, else WRMSRNS, else the original CS-prefixed
// WRMSR; and the guest's decision record for it names that choice.
CheckResult check_wrmsr_ns_const_site(const inspect::ElfFile& dumped_text,
                                      const std::vector<DecisionRecord>& decisions,
                                      const MachineConfig& machine);

// ---- The workload boot ---------------------------------------------------------

// msr.workload with altpv.debug and --dump-text, checked: the guest's
// verdict, the writes, their paths, the final bank, and the decisions
// against memory.
struct WorkloadBoot {
  MachineConfig machine;
  MachineRun run;
  CheckResult verdict;
};

// Output that cannot be parsed fails the verdict; it does not throw.
WorkloadBoot boot_workload(const Testbed& testbed, const MachineConfig& machine);

}  // namespace altpv::testbed::report
