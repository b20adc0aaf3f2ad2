// SPDX-License-Identifier: MIT
#include "demo_report.h"

#include <algorithm>

namespace altpv::demo {

bool DemoReport::passed() const {
  return !configs.empty() && std::all_of(configs.begin(), configs.end(), [](const ConfigReport& c) {
    return c.verdict.passed();
  }) && std::all_of(differentials.begin(), differentials.end(), [](const Differential& d) {
    return d.verdict.passed();
  });
}

}  // namespace altpv::demo
