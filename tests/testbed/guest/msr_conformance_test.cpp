// SPDX-License-Identifier: MIT
// MSR conformance of the testbed: for every CPU model and personality,
// msr.workload's writes reach the VMM in order, by the path the machine
// implies, and leave the bank as written; pv and hvm write the same
// sequence but for the documented drops; the _safe variants write nothing
// on a refused MSR; a plain write to it ends the guest with its #GP record;
// and the constant-index wrmsr_ns site holds, in guest memory, the
// instruction each machine implies. The checks live in testbed/report
// (testbed_report), shared with altpv-demo.
#include <gtest/gtest.h>

#include <map>

#include "abi/abi.h"
#include "conformance.h"
#include "disassembler.h"
#include "guest_elf.h"
#include "machine_params.h"
#include "machine_run.h"

namespace altpv::testbed::report {

namespace {

const Testbed kTestbed{ALTPV_VMM_PATH, ALTPV_GUEST_PATH};

// One msr.workload boot per machine and process.
const WorkloadBoot& workload(const MachineConfig& machine) {
  return once_per_machine(machine,
                          [](const MachineConfig& m) { return boot_workload(kTestbed, m); });
}

class PerMachine : public ::testing::TestWithParam<MachineConfig> {};

TEST_P(PerMachine, WorkloadWritesConform) {
  SKIP_WITHOUT_KVM();
  const WorkloadBoot& boot = workload(GetParam());
  EXPECT_TRUE(boot.verdict.passed()) << command_line(boot.run.command) << boot.verdict.describe();
}

TEST_P(PerMachine, SafeVariantsRegistersAndCpuidOp) {
  SKIP_WITHOUT_KVM();
  const MachineRun run =
      run_machine(kTestbed, {GetParam(), "msr.safe,msr.registers,pv.cpuid_op", {}});
  CheckResult v = run.problems;
  v.merge(check_guest_passed(run.result, {"msr.safe", "msr.registers", "pv.cpuid_op"}));
  v.merge(check_untouched(run.msr_log, kAbsentMsr));
  EXPECT_TRUE(v.passed()) << command_line(run.command) << v.describe() << "\nconsole:\n"
                          << run.child.out;
}

// The constant-index wrmsr_ns site, decoded from guest memory as the
// workload ran it, holds the machine's instruction: the engine's own
// account of what it wrote is checked against that, not trusted.
TEST_P(PerMachine, ConstantIndexWrmsrNsSiteFollowsTheMachine) {
  SKIP_WITHOUT_KVM();
  const WorkloadBoot& boot = workload(GetParam());
  ASSERT_TRUE(boot.run.dumped_text.has_value()) << boot.run.problems.describe();
  const CheckResult v =
      check_wrmsr_ns_const_site(*boot.run.dumped_text, boot.run.guest.decisions, GetParam());
  EXPECT_TRUE(v.passed()) << v.describe();
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerMachine, ::testing::ValuesIn(all_machines()),
                         [](const auto& info) { return test_name(info.param.name()); });

class PerModel : public ::testing::TestWithParam<CpuModelSpec> {};

TEST_P(PerModel, HvmAndPvWriteTheSameSequence) {
  SKIP_WITHOUT_KVM();
  const WorkloadBoot& hvm = workload({GetParam(), Personality::Hvm});
  const WorkloadBoot& pv = workload({GetParam(), Personality::Pv});
  const CheckResult v = check_differential(hvm.run.msr_log, pv.run.msr_log);
  EXPECT_TRUE(v.passed()) << v.describe();
}

// Each model gets its own instruction at the same site: the three hvm
// machines leave three different byte sequences in memory.
TEST(Decisions, EveryModelLeavesDifferentBytes) {
  SKIP_WITHOUT_KVM();
  std::map<std::string, std::string> machine_by_bytes;
  for (const CpuModelSpec& model : cpu_models()) {
    const WorkloadBoot& boot = workload({model, Personality::Hvm});
    ASSERT_TRUE(boot.run.dumped_text.has_value()) << boot.run.problems.describe();
    const hosted::Symbol& fn = find_function(*boot.run.dumped_text, kWrmsrNsConstFunction);
    const auto code = code_at(*boot.run.dumped_text, fn.address, fn.size);
    ASSERT_TRUE(code.has_value());
    machine_by_bytes[inspect::hex_bytes(*code)] = model.name;
  }
  EXPECT_EQ(machine_by_bytes.size(), cpu_models().size());
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerModel, ::testing::ValuesIn(cpu_models()),
                         [](const auto& info) { return test_name(info.param.name); });

class PerPersonality : public ::testing::TestWithParam<Personality> {};

// The guest's #GP handler writes an exception record and ends the guest
// (panic: Exit(2)); the VMM turns that into exit code 1 (a failed guest),
// not 3 (a crash).
TEST_P(PerPersonality, PlainWriteToRefusedMsrEndsTheGuestWithGp) {
  SKIP_WITHOUT_KVM();
  const MachineRun run = run_machine(kTestbed, {{cpu_models()[0], GetParam()}, "msr.gp_plain", {}});
  EXPECT_TRUE(run.problems.passed()) << run.problems.describe();
  EXPECT_EQ(run.child.exit_code, 1) << run.child.err;
  EXPECT_EQ(run.result.exit_reason, "guest-exit");
  ASSERT_EQ(run.guest.exceptions.size(), 1u) << run.child.out;
  EXPECT_EQ(run.guest.exceptions[0].vector, 13u);
  EXPECT_EQ(run.guest.exceptions[0].name, "#GP");
  EXPECT_EQ(run.guest.exceptions[0].error_code, 0u);
  const GuestTest* test = run.result.find_test("msr.gp_plain");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->status, "fail");
  const CheckResult untouched = check_untouched(run.msr_log, kAbsentMsr);
  EXPECT_TRUE(untouched.passed()) << untouched.describe();
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerPersonality,
                         ::testing::Values(Personality::Hvm, Personality::Pv),
                         [](const auto& info) {
                           return info.param == Personality::Hvm ? "hvm" : "pv";
                         });

}  // namespace
}  // namespace altpv::testbed::report
