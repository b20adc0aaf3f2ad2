// SPDX-License-Identifier: MIT
// The privileged ops (altpv/privileged.h) on every machine: priv.flags,
// priv.irq, priv.mmu and priv.lazy_mmu pass under every CPU model and both
// personalities, and for each CPU model the hvm and pv runs observe the same
// values in the same order (their `observed` records: the interrupt state
// save_fl reports after every step, the ticks handled in disabled windows,
// by a safe_halt and after an enabling op, what a remapped address reads,
// what read_cr3 returns, the lazy-MMU entries after each vCPU's leave),
// although one ran the instructions and the other the PV backend's inline
// forms and hypercalls.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "conformance.h"
#include "machine_params.h"
#include "machine_run.h"

namespace altpv::testbed::report {
namespace {

const Testbed kTestbed{ALTPV_VMM_PATH, ALTPV_GUEST_PATH};
const std::vector<std::string> kCases = {"priv.flags", "priv.irq", "priv.mmu", "priv.lazy_mmu"};

// priv.irq needs the timer and a second vCPU whose ticks it waits on;
// priv.lazy_mmu an AP of its own (APs start once per boot): a third.
const MachineRun& privileged_run(const MachineConfig& machine) {
  return once_per_machine(machine, [](const MachineConfig& m) {
    VmmInvocation run{m, "priv.flags,priv.irq,priv.mmu,priv.lazy_mmu", {"expect.vcpus=3"}};
    run.vmm_options = {"--vcpus", "3", "--tick-us", "2000"};
    return run_machine(kTestbed, run);
  });
}

std::string listing(const std::vector<Observation>& observations) {
  std::string out;
  for (const Observation& o : observations) out += fmt::format("  {} = {:#x}\n", o.what, o.value);
  return out;
}

class PerMachine : public ::testing::TestWithParam<MachineConfig> {};

TEST_P(PerMachine, PrivilegedOpsPass) {
  SKIP_WITHOUT_KVM();
  const MachineRun& run = privileged_run(GetParam());
  CheckResult v = run.problems;
  v.merge(check_guest_passed(run.result, kCases));
  EXPECT_TRUE(v.passed()) << command_line(run.command) << v.describe() << "\nconsole:\n"
                          << run.child.out;
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerMachine, ::testing::ValuesIn(all_machines()),
                         [](const auto& info) { return test_name(info.param.name()); });

class PerModel : public ::testing::TestWithParam<CpuModelSpec> {};

TEST_P(PerModel, HvmAndPvObserveTheSame) {
  SKIP_WITHOUT_KVM();
  const MachineRun& hvm = privileged_run({GetParam(), Personality::Hvm});
  const MachineRun& pv = privileged_run({GetParam(), Personality::Pv});
  ASSERT_FALSE(hvm.guest.observations.empty()) << hvm.child.out;
  EXPECT_EQ(hvm.guest.observations, pv.guest.observations)
      << "hvm:\n"
      << listing(hvm.guest.observations) << "pv:\n"
      << listing(pv.guest.observations);
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerModel, ::testing::ValuesIn(cpu_models()),
                         [](const auto& info) { return test_name(info.param.name); });

}  // namespace
}  // namespace altpv::testbed::report
