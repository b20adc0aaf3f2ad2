// SPDX-License-Identifier: MIT
// The guest's functions by name (from its ELF symbol table), and the patch
// site a given function holds.
#pragma once

#include <string>
#include <vector>

#include "hosted/symbol_table.h"
#include "decision_lines.h"

namespace altpv::inspect {
class ElfFile;
}  // namespace altpv::inspect

namespace altpv::demo {

// Throws std::runtime_error when the ELF has no function of that name.
const hosted::Symbol& find_function(const inspect::ElfFile& elf, const std::string& name);

// The decision for the one site inside `function`; nullptr when it holds
// none or several.
const SiteDecision* decision_in(const std::vector<SiteDecision>& decisions,
                                const inspect::ElfFile& elf, const std::string& function);

}  // namespace altpv::demo
