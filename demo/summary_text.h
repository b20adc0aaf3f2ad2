// SPDX-License-Identifier: MIT
// The demo's printed summary: tables of decisions and figures, then the
// findings in words.
#pragma once

#include <string>

#include "demo_report.h"

namespace altpv::demo {

std::string summary_tables(const DemoReport& report);
std::string summary_words(const DemoReport& report);

}  // namespace altpv::demo
