// SPDX-License-Identifier: MIT
// The demo's printed summary: tables of decisions and figures, the findings
// in words, and each figure claim with its check result.
#pragma once

#include <string>

#include "findings.h"

namespace altpv::demo {

std::string summary_tables(const DemoFindings& findings);
std::string summary_words(const DemoFindings& findings);
std::string summary_claims(const DemoFindings& findings);

}  // namespace altpv::demo
