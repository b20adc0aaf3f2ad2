// SPDX-License-Identifier: MIT
#include "parsed_boot.h"

#include "parse_error.h"

namespace altpv::demo {

ParsedBoot parse_boot(const VmmRun& run, Verdict& verdict) {
  ParsedBoot parsed;
  if (!run.child.exited()) {
    verdict.fail("altpv-vmm did not exit by itself (" +
                 (run.child.timed_out ? std::string("timed out")
                                      : "signal " + std::to_string(run.child.signal)) +
                 "): " + command_line(run.command));
  }
  try {
    parsed.result = parse_vmm_result(run.result_json);
  } catch (const ParseError& e) {
    verdict.fail(std::string(e.what()) + "; stderr: " + run.child.err);
  }
  try {
    parsed.log = parse_msr_log(run.msr_log);
  } catch (const ParseError& e) {
    verdict.fail(e.what());
  }
  return parsed;
}

}  // namespace altpv::demo
