// SPDX-License-Identifier: MIT
// MSR conformance of the testbed (issue #5): for every CPU model and
// personality, msr.workload's writes reach the VMM in order, by the path
// the machine implies, and leave the bank as written; pv and hvm write the
// same sequence but for the documented drops; the _safe variants write
// nothing on a refused MSR; a plain write to it ends the guest with its #GP
// report; and the constant-index wrmsr_ns site is patched as each model
// implies. The checks live in demo/ (testbed_report), shared with altpv-demo.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "abi/abi.h"
#include "conformance.h"
#include "elf_file.h"
#include "expected_decision.h"
#include "guest_functions.h"
#include "parsed_boot.h"
#include "workload_boot.h"

namespace altpv::demo {

// Names, not bytes, in test output (found by argument-dependent lookup).
void PrintTo(const TestbedConfig& config, std::ostream* os) {
  *os << config.name();
}
void PrintTo(const CpuModel& model, std::ostream* os) {
  *os << model.name;
}

namespace {

const Testbed kTestbed{ALTPV_VMM_PATH, ALTPV_GUEST_PATH};
// The reference function holding one constant-index wrmsr_ns site.
constexpr const char* kNsConstSiteFunction = "figure_altpv_wrmsr_ns_const";

bool have_kvm() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

#define SKIP_WITHOUT_KVM() \
  if (!have_kvm()) GTEST_SKIP() << "SKIP: /dev/kvm not available"

std::string reasons(const Verdict& v) {
  std::string text;
  for (const std::string& r : v.reasons) text += "\n  " + r;
  return text;
}

// One msr.workload boot per machine and process, shared by the tests that
// read it.
const WorkloadBoot& workload(const TestbedConfig& config) {
  static std::mutex mutex;
  static std::map<std::string, WorkloadBoot> boots;
  const std::lock_guard lock(mutex);
  auto it = boots.find(config.name());
  if (it == boots.end()) it = boots.emplace(config.name(), boot_workload(kTestbed, config)).first;
  return it->second;
}

std::string test_name(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

class PerMachine : public ::testing::TestWithParam<TestbedConfig> {};

TEST_P(PerMachine, WorkloadWritesConform) {
  SKIP_WITHOUT_KVM();
  const WorkloadBoot& boot = workload(GetParam());
  EXPECT_TRUE(boot.verdict.passed()) << command_line(boot.run.command) << reasons(boot.verdict);
}

TEST_P(PerMachine, SafeVariantsRegistersAndCpuidOp) {
  SKIP_WITHOUT_KVM();
  const VmmRun run = run_vmm(kTestbed, {GetParam(), "msr.safe,msr.registers,pv.cpuid_op", {}});
  Verdict v;
  const ParsedBoot boot = parse_boot(run, v);
  v.merge(check_guest_passed(boot.result, {"msr.safe", "msr.registers", "pv.cpuid_op"}), "");
  v.merge(check_untouched(boot.log, testbed::kAbsentMsr), "");
  EXPECT_TRUE(v.passed()) << command_line(run.command) << reasons(v) << "\nconsole:\n"
                          << run.child.out;
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerMachine, ::testing::ValuesIn(all_configs()),
                         [](const auto& info) { return test_name(info.param.name()); });

class PerModel : public ::testing::TestWithParam<CpuModel> {};

TEST_P(PerModel, HvmAndPvWriteTheSameSequence) {
  SKIP_WITHOUT_KVM();
  const WorkloadBoot& hvm = workload({GetParam(), Personality::Hvm});
  const WorkloadBoot& pv = workload({GetParam(), Personality::Pv});
  const Verdict v = check_differential(hvm.log, pv.log);
  EXPECT_TRUE(v.passed()) << reasons(v);
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerModel, ::testing::ValuesIn(cpu_models()),
                         [](const auto& info) { return test_name(info.param.name); });

class PerPersonality : public ::testing::TestWithParam<Personality> {};

// The guest's #GP handler reports and ends the guest (panic: Exit(2)); the
// VMM turns that into exit code 1 (a failed guest), not 3 (a crash).
TEST_P(PerPersonality, PlainWriteToRefusedMsrEndsTheGuestWithGp) {
  SKIP_WITHOUT_KVM();
  const VmmRun run = run_vmm(kTestbed, {{cpu_models()[0], GetParam()}, "msr.gp_plain", {}});
  Verdict v;
  const ParsedBoot boot = parse_boot(run, v);
  EXPECT_TRUE(v.passed()) << reasons(v);
  EXPECT_EQ(run.child.exit_code, 1) << run.child.err;
  EXPECT_EQ(boot.result.exit_reason, "guest-exit");
  EXPECT_NE(run.child.out.find("guest: unhandled #GP (vector 13)"), std::string::npos)
      << run.child.out;
  const GuestTest* test = boot.result.find_test("msr.gp_plain");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->status, "fail");
  const Verdict untouched = check_untouched(boot.log, testbed::kAbsentMsr);
  EXPECT_TRUE(untouched.passed()) << reasons(untouched);
}

INSTANTIATE_TEST_SUITE_P(Testbed, PerPersonality,
                         ::testing::Values(Personality::Hvm, Personality::Pv),
                         [](const auto& info) {
                           return info.param == Personality::Hvm ? "hvm" : "pv";
                         });

// Each machine gets its own instruction at the same site: all four differ.
TEST(Decisions, ConstantIndexWrmsrNsSiteFollowsTheMachine) {
  SKIP_WITHOUT_KVM();
  const inspect::ElfFile elf = inspect::ElfFile::read(kTestbed.guest);
  std::map<std::string, std::string> bytes_by_choice;
  for (const TestbedConfig& config : all_configs()) {
    const WorkloadBoot& boot = workload(config);
    const SiteDecision* d = decision_in(boot.decisions, elf, kNsConstSiteFunction);
    const Verdict v = check_wrmsr_ns_const_decision(d, config);
    EXPECT_TRUE(v.passed()) << reasons(v);
    if (d != nullptr && config.hv == Personality::Hvm) bytes_by_choice[d->choice()] = d->new_bytes;
  }
  EXPECT_EQ(bytes_by_choice.size(), cpu_models().size());
}

}  // namespace
}  // namespace altpv::demo
