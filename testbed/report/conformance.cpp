// SPDX-License-Identifier: MIT
#include "conformance.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "write_path.h"

namespace altpv::demo {
namespace {

std::string describe(std::uint32_t msr, std::uint64_t value) {
  return fmt::format("{:#x} <- {:#x}", msr, value);
}

std::vector<ExpectedWrite> reaching_vmm(const TestbedConfig& config,
                                        const std::vector<ExpectedWrite>& expected) {
  std::vector<ExpectedWrite> kept;
  for (const ExpectedWrite& w : expected) {
    if (expected_path(w, config) != WritePath::Dropped) kept.push_back(w);
  }
  return kept;
}

}  // namespace

Verdict check_writes(const TestbedConfig& config, const std::vector<ExpectedWrite>& expected,
                     const std::vector<MsrAccess>& log) {
  Verdict v;
  const std::vector<ExpectedWrite> want = reaching_vmm(config, expected);
  const std::vector<MsrAccess> got = writes_of(log);
  if (want.empty()) v.fail("the guest announced no writes (no msr-expect lines)");
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    if (i >= got.size()) {
      v.fail(fmt::format("write #{} missing from the VMM log: {} {}", i, want[i].op,
                         describe(want[i].msr, want[i].value)));
      break;  // the rest would repeat the same news
    }
    if (i >= want.size()) {
      v.fail(fmt::format("write #{} unannounced: {} via {}", i, describe(got[i].msr, got[i].value),
                         got[i].path));
      break;
    }
    if (got[i].msr != want[i].msr || got[i].value != want[i].value) {
      v.fail(fmt::format("write #{}: guest announced {} {}, VMM logged {}", i, want[i].op,
                         describe(want[i].msr, want[i].value), describe(got[i].msr, got[i].value)));
      break;  // out of step: later comparisons mean nothing
    }
    const std::string_view path = path_name(expected_path(want[i], config));
    if (got[i].path != path) {
      v.fail(fmt::format("write #{} {} {}: arrived as {}, {} implies {}", i, want[i].op,
                         describe(want[i].msr, want[i].value), got[i].path, config.name(), path));
    }
  }
  return v;
}

Verdict check_final_bank(const TestbedConfig& config, const std::vector<ExpectedWrite>& expected,
                         const VmmResult& result) {
  std::map<std::uint32_t, std::uint64_t> last;
  for (const ExpectedWrite& w : reaching_vmm(config, expected)) last[w.msr] = w.value;
  Verdict v;
  for (const auto& [msr, value] : last) {
    const auto it = result.msrs.find(msr);
    if (it == result.msrs.end()) {
      v.fail(fmt::format("final bank lacks {:#x} (last write {:#x})", msr, value));
    } else if (it->second != value) {
      v.fail(fmt::format("final bank {}, last write was {:#x}", describe(msr, it->second), value));
    }
  }
  return v;
}

Verdict check_guest_passed(const VmmResult& result, const std::vector<std::string>& tests) {
  Verdict v;
  for (const std::string& name : tests) {
    const GuestTest* t = result.find_test(name);
    if (t == nullptr) {
      v.fail("guest test " + name + " did not run");
    } else if (t->status != "pass") {
      v.fail("guest test " + name + ": " + t->status + (t->message.empty() ? "" : ": ") +
             t->message);
    }
  }
  if (!result.guest_passed()) {
    v.fail(fmt::format("guest verdict: VMM exit {} ({}): {}", result.exit_code, result.exit_reason,
                       result.message));
  }
  return v;
}

Verdict check_untouched(const std::vector<MsrAccess>& log, std::uint32_t msr) {
  Verdict v;
  for (const MsrAccess& a : log) {
    if (a.msr == msr) {
      v.fail(fmt::format("the VMM logged a {} of {} via {}", a.write ? "write" : "read",
                         describe(a.msr, a.value), a.path));
    }
  }
  return v;
}

Verdict check_differential(const std::vector<MsrAccess>& hvm_log,
                           const std::vector<MsrAccess>& pv_log) {
  std::vector<MsrAccess> hvm;
  for (const MsrAccess& w : writes_of(hvm_log)) {
    if (!pv_drops(w.msr)) hvm.push_back(w);
  }
  const std::vector<MsrAccess> pv = writes_of(pv_log);
  Verdict v;
  if (hvm.empty()) v.fail("no writes under hvm to compare");
  for (std::size_t i = 0; i < std::max(hvm.size(), pv.size()); ++i) {
    if (i >= hvm.size() || i >= pv.size()) {
      v.fail(
          fmt::format("hvm wrote {} MSRs (less pv's drops), pv wrote {}", hvm.size(), pv.size()));
      break;
    }
    if (hvm[i].msr != pv[i].msr || hvm[i].value != pv[i].value) {
      v.fail(fmt::format("write #{}: hvm {}, pv {}", i, describe(hvm[i].msr, hvm[i].value),
                         describe(pv[i].msr, pv[i].value)));
      break;
    }
  }
  return v;
}

}  // namespace altpv::demo
