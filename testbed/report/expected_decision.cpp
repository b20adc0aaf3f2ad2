// SPDX-License-Identifier: MIT
#include "expected_decision.h"

namespace altpv::demo {
namespace {

struct Expectation {
  const char* condition;  // nullptr: the original
  const char* kind;
  const char* bytes;  // the instruction that must appear in the site's bytes afterwards
  const char* what;
};

Expectation expectation(const TestbedConfig& config) {
  if (config.hv == Personality::Pv) return {"pv", "call", "e8", "a call to the PV stub"};
  if (config.model.msr_imm) {
    return {"msr_imm", "bytes", "c4 e7 7a f6 c0", "WRMSRNS imm32,%rax (c4 e7 7a f6 c0 imm32)"};
  }
  if (config.model.wrmsrns) return {"wrmsrns", "bytes", "0f 01 c6", "WRMSRNS (0f 01 c6)"};
  return {nullptr, "", "2e 0f 30", "the original CS-prefixed WRMSR (2e 0f 30)"};
}

}  // namespace

Verdict check_wrmsr_ns_const_decision(const SiteDecision* d, const TestbedConfig& config) {
  Verdict v;
  const Expectation e = expectation(config);
  if (d == nullptr) {
    v.fail("no decision line for the constant-index wrmsr_ns site (run with altpv.debug?)");
    return v;
  }
  const std::string& after = d->new_bytes.empty() ? d->old_bytes : d->new_bytes;
  const bool chosen = e.condition == nullptr
                          ? !d->alternative.has_value()
                          : d->alternative && d->condition == e.condition && d->kind == e.kind;
  if (!chosen || after.find(e.bytes) == std::string::npos || d->verdict.starts_with("REFUSED")) {
    v.fail(config.name() + " implies " + e.what + "; the engine chose " + d->choice() + " (" +
           after + ") " + d->verdict);
  }
  return v;
}

}  // namespace altpv::demo
