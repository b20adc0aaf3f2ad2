// SPDX-License-Identifier: MIT
// The outcome of a check: passed, or the reasons it did not, in words a
// reader can act on without the source.
#pragma once

#include <string>
#include <vector>

namespace altpv::demo {

struct Verdict {
  std::vector<std::string> reasons;  // empty: passed

  bool passed() const { return reasons.empty(); }
  void fail(std::string reason) { reasons.push_back(std::move(reason)); }
  void merge(const Verdict& other, const std::string& prefix);
};

}  // namespace altpv::demo
