// SPDX-License-Identifier: MIT
#include "workload_boot.h"

#include "conformance.h"
#include "parse_error.h"
#include "parsed_boot.h"

namespace altpv::demo {

WorkloadBoot boot_workload(const Testbed& testbed, const TestbedConfig& config) {
  WorkloadBoot boot;
  boot.config = config;
  boot.run = run_vmm(testbed, {config, "msr.workload", {"altpv.debug"}});
  ParsedBoot parsed = parse_boot(boot.run, boot.verdict);
  boot.result = std::move(parsed.result);
  boot.log = std::move(parsed.log);
  try {
    boot.expected = parse_msr_expect(boot.run.child.out);
    boot.decisions = parse_decisions(boot.run.child.out);
  } catch (const ParseError& e) {
    boot.verdict.fail(e.what());
  }
  boot.verdict.merge(check_guest_passed(boot.result, {"msr.workload"}), "");
  boot.verdict.merge(check_writes(config, boot.expected, boot.log), "");
  boot.verdict.merge(check_final_bank(config, boot.expected, boot.result), "");
  return boot;
}

}  // namespace altpv::demo
