// SPDX-License-Identifier: MIT
#include "verdict.h"

namespace altpv::demo {

void Verdict::merge(const Verdict& other, const std::string& prefix) {
  for (const std::string& r : other.reasons) reasons.push_back(prefix + r);
}

}  // namespace altpv::demo
